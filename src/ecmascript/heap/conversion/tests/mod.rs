//! ToString's behaviour on every kind of value, cycles, inheritance and
//! the limits.

mod bounds;
mod inheritance;
mod join;
mod object_prototype_methods;
mod values;
