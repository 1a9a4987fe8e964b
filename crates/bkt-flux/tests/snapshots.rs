//! insta snapshots of the rendered text.
