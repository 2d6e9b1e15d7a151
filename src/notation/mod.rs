//! The graph notation: a JSON description of a value and the objects it
//! reaches, read into a realm and printed back from one.
