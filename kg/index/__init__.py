"""The search indexes a build writes: lexical, vectors, and the encoders behind them."""
