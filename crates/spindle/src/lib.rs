//! spindle: a multi-threaded spiking neural network simulator (facade: model registry, scenarios)
