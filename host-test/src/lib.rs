//! rule-host library.
