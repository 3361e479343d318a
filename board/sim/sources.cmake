# the simulated library sources
