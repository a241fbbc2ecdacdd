"""The query compiler: recipes of term groups, board dialects, limits, splitting and URLs.

``recipe`` turns terms and options into groups of alternatives; ``fit`` chooses which
alternatives go into each part so that every part keeps within the board's hard limits;
``render`` writes a part in the board's dialect; ``urls`` makes the clickable link.
"""
