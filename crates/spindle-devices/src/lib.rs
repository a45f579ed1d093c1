//! Stimulating and recording devices of spindle
