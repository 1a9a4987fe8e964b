//! Typed references to a block's attributes, and the macros that declare kinds and nested block
//! types.

use std::marker::PhantomData;

use crate::hcl::Expr;
use crate::name::Name;

/// A typed reference handed out by [`Resource::get`](crate::hcl::Resource::get), [`Resource::at`](crate::hcl::Resource::at) and [`Data::get`](crate::hcl::Data::get).
///
/// [`crate::terraform_kind!`] gives each kind its own reference type with one method per
/// attribute; this generic one is what those wrap.
#[derive(Debug, Clone, PartialEq)]
pub struct Ref<T> {
    expr: Expr,
    kind: PhantomData<fn() -> T>,
}

impl<T> Ref<T> {
    /// The reference itself (`aws_x.name` or `aws_x.name[key]`).
    #[must_use]
    pub fn expr(&self) -> Expr {
        self.expr.clone()
    }

    /// One attribute of the referenced object.
    #[doc(hidden)]
    #[must_use]
    pub fn attribute(&self, name: &Name) -> Expr {
        self.expr.clone().attr(name)
    }
}

impl<T> From<Expr> for Ref<T> {
    fn from(expr: Expr) -> Self {
        Self {
            expr,
            kind: PhantomData,
        }
    }
}

/// A field name as Terraform spells it: `r#type` is the argument `type`.
#[doc(hidden)]
#[must_use]
pub const fn unraw(name: &'static str) -> &'static str {
    match name.as_bytes() {
        [b'r', b'#', rest @ ..] => match core::str::from_utf8(rest) {
            Ok(bare) => bare,
            Err(_) => name,
        },
        _ => name,
    }
}

/// The `arguments` and `nested` methods [`crate::terraform_kind!`] and
/// [`crate::terraform_block!`] both generate, from their field lists.
#[doc(hidden)]
#[macro_export]
macro_rules! __terraform_fields {
    (
        fields [$($field:ident),*]
        blocks [$($bfield:ident),*]
        repeated [$($rpfield:ident),*]
    ) => {
            fn arguments(&self) -> ::std::vec::Vec<(&'static str, &$crate::hcl::Arg)> {
                #[allow(unused_mut)]
                let mut arguments = ::std::vec::Vec::new();
                $(
                    if let ::core::option::Option::Some(arg) = &self.$field {
                        arguments.push(($crate::hcl::unraw(stringify!($field)), arg));
                    }
                )*
                arguments
            }
            fn nested(&self) -> ::std::vec::Vec<$crate::hcl::Block> {
                #[allow(unused_mut)]
                let mut blocks = ::std::vec::Vec::new();
                $(
                    if let ::core::option::Option::Some(block) = &self.$bfield {
                        blocks.push($crate::hcl::NestedBlock::to_block(block));
                    }
                )*
                $(
                    for block in &self.$rpfield {
                        blocks.push($crate::hcl::NestedBlock::to_block(block));
                    }
                )*
                blocks
            }
    };
}

/// Declares a Terraform resource, data source, module-input or provider kind as a Rust type
/// whose fields are its arguments (a misspelt argument fails to compile) and a reference type
/// whose methods are its attributes (for a module: its outputs).
///
/// Arguments are `Option<Arg>` fields. Nested blocks go in an optional `blocks { name: Type }`
/// section (an `Option<Type>` field) and repeated ones in `repeated { name: Type }` (a
/// `Vec<Type>` field); their types are declared with [`crate::terraform_block!`]. The mode is
/// `resource`, `data`, `module` or `provider`.
///
/// ```
/// use bkt_core::hcl::{Expr, Resource};
///
/// bkt_core::terraform_kind! {
///     /// An `aws_eip`.
///     pub resource Eip => "aws_eip" {
///         /// `vpc` for an address in a VPC.
///         domain,
///         /// Resource tags.
///         tags,
///     }
///     /// Attributes of an `aws_eip`.
///     pub ref EipRef { id, public_ip }
/// }
///
/// let eip = Resource::new(bkt_core::name!("nat"), Eip { domain: Some("vpc".into()), ..Default::default() });
/// assert_eq!(bkt_core::hcl::to_string(&eip.to_block()), "resource \"aws_eip\" \"nat\" {\n  domain = \"vpc\"\n}\n");
/// let id: Expr = eip.get().id();
/// # let _ = id;
/// ```
#[macro_export]
macro_rules! terraform_kind {
    (
        $(#[$meta:meta])*
        $vis:vis $mode:ident $name:ident => $tf:literal {
            $( $(#[$fmeta:meta])* $field:ident ),* $(,)?
        }
        $( blocks { $( $(#[$bmeta:meta])* $bfield:ident : $bty:ty ),* $(,)? } )?
        $( repeated { $( $(#[$rpmeta:meta])* $rpfield:ident : $rpty:ty ),* $(,)? } )?
        $(#[$rmeta:meta])*
        pub ref $refname:ident { $( $attr:ident ),* $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Default)]
        $vis struct $name {
            $( $(#[$fmeta])* pub $field: ::core::option::Option<$crate::hcl::Arg>, )*
            $( $( $(#[$bmeta])* pub $bfield: ::core::option::Option<$bty>, )* )?
            $( $( $(#[$rpmeta])* pub $rpfield: ::std::vec::Vec<$rpty>, )* )?
        }

        impl $crate::hcl::Kind for $name {
            const TYPE: &'static str = $tf;
            type Ref = $refname;
            const ARGUMENTS: &'static [&'static str] = &[$( $crate::hcl::unraw(stringify!($field)) ),*];
            const ATTRIBUTES: &'static [&'static str] = &[$( stringify!($attr) ),*];
            const MODEL: &'static $crate::hcl::BlockModel = &$crate::hcl::BlockModel {
                header: &[],
                arguments: <Self as $crate::hcl::Kind>::ARGUMENTS,
                blocks: &[
                    $( $( <$bty as $crate::hcl::NestedBlock>::MODEL, )* )?
                    $( $( <$rpty as $crate::hcl::NestedBlock>::MODEL, )* )?
                ],
            };
            $crate::__terraform_fields!(
                fields [$($field),*]
                blocks [$($($bfield),*)?]
                repeated [$($($rpfield),*)?]
            );
        }

        $crate::terraform_kind!(@mode $mode $name);

        $(#[$rmeta])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $refname($crate::hcl::Ref<$name>);

        impl ::core::convert::From<$crate::hcl::Expr> for $refname {
            fn from(expr: $crate::hcl::Expr) -> Self {
                Self($crate::hcl::Ref::from(expr))
            }
        }

        #[allow(dead_code, reason = "a kind's caller reads only the attributes it needs")]
        impl $refname {
            /// The reference itself.
            #[must_use]
            pub fn expr(&self) -> $crate::hcl::Expr {
                self.0.expr()
            }
            $(
                #[doc = concat!("The `", stringify!($attr), "` attribute.")]
                #[must_use]
                pub fn $attr(&self) -> $crate::hcl::Expr {
                    self.0.attribute(&$crate::name!(stringify!($attr)))
                }
            )*
        }
    };
    (@mode resource $name:ident) => {
        impl $crate::hcl::ResourceKind for $name {}
    };
    (@mode data $name:ident) => {
        impl $crate::hcl::DataKind for $name {}
    };
    (@mode module $name:ident) => {
        impl $crate::hcl::ModuleKind for $name {}
    };
    (@mode provider $name:ident) => {
        impl $crate::hcl::ProviderKind for $name {}
    };
}

/// Declares a nested block type (`vpc_config { … }`, `backend "s3" { … }`) whose fields are its
/// arguments, with optional `blocks { … }` and `repeated { … }` sections as in
/// [`crate::terraform_kind!`]. Every such type also has `why`: a comment written above it.
///
/// ```
/// bkt_core::terraform_block! {
///     /// `scaling_config` of a node group.
///     pub struct ScalingConfig => "scaling_config" {
///         /// Fewest nodes.
///         min_size,
///         /// Most nodes.
///         max_size,
///     }
/// }
///
/// let block = bkt_core::hcl::NestedBlock::to_block(&ScalingConfig {
///     min_size: Some(1.into()),
///     max_size: Some(3.into()),
///     ..Default::default()
/// });
/// assert_eq!(bkt_core::hcl::to_string(&block), "scaling_config {\n  min_size = 1\n  max_size = 3\n}\n");
/// ```
#[macro_export]
macro_rules! terraform_block {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident => $($header:literal)+ {
            $( $(#[$fmeta:meta])* $field:ident ),* $(,)?
        }
        $( blocks { $( $(#[$bmeta:meta])* $bfield:ident : $bty:ty ),* $(,)? } )?
        $( repeated { $( $(#[$rpmeta:meta])* $rpfield:ident : $rpty:ty ),* $(,)? } )?
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Default)]
        $vis struct $name {
            $( $(#[$fmeta])* pub $field: ::core::option::Option<$crate::hcl::Arg>, )*
            $( $( $(#[$bmeta])* pub $bfield: ::core::option::Option<$bty>, )* )?
            $( $( $(#[$rpmeta])* pub $rpfield: ::std::vec::Vec<$rpty>, )* )?
            /// The comment written above the block, saying why it is set so.
            pub why: ::core::option::Option<::std::string::String>,
        }

        impl $crate::hcl::NestedBlock for $name {
            const HEADER: &'static [&'static str] = &[$($header),+];
            const ARGUMENTS: &'static [&'static str] = &[$( $crate::hcl::unraw(stringify!($field)) ),*];
            const MODEL: &'static $crate::hcl::BlockModel = &$crate::hcl::BlockModel {
                header: <Self as $crate::hcl::NestedBlock>::HEADER,
                arguments: <Self as $crate::hcl::NestedBlock>::ARGUMENTS,
                blocks: &[
                    $( $( <$bty as $crate::hcl::NestedBlock>::MODEL, )* )?
                    $( $( <$rpty as $crate::hcl::NestedBlock>::MODEL, )* )?
                ],
            };
            $crate::__terraform_fields!(
                fields [$($field),*]
                blocks [$($($bfield),*)?]
                repeated [$($($rpfield),*)?]
            );
            fn why(&self) -> ::core::option::Option<&str> {
                self.why.as_deref()
            }
        }
    };
}
