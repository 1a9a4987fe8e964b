//! A typed model of an EKS cluster for the BKT platform (being ported from terraform/modules).
