//! A typed model of MongoDB Atlas for the BKT platform (being written).
