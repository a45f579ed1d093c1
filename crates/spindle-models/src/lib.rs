//! Neuron models of spindle (glif_cond, parrot_neuron, …), NEST-exact
