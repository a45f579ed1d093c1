//! Recording backends of spindle: memory and HDF5
