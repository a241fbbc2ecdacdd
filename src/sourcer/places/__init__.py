"""Places: the cities recruiters hire in, with the names people write for them."""
