//! Terraform's module language as types: resources and data sources of typed kinds,
//! variables with their validations, locals, outputs, the `terraform` settings block, files.

use std::marker::PhantomData;

use super::body::{Block, Body};
use super::expr::Expr;
use crate::name::Name;

/// An argument value, with an optional comment written above it saying why it is set so.
#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    /// The value.
    pub value: Expr,
    /// Why the value is what it is; written as a `#` comment above the argument.
    pub why: Option<String>,
}

impl Arg {
    /// Adds the comment saying why the argument is set so.
    #[must_use]
    pub fn why(mut self, comment: impl Into<String>) -> Self {
        self.why = Some(comment.into());
        self
    }
}

impl<T: Into<Expr>> From<T> for Arg {
    fn from(value: T) -> Self {
        Self {
            value: value.into(),
            why: None,
        }
    }
}

/// What a typed kind or nested block type can set, as the crates model it: its argument names
/// and its nested block types, each with its own model.
///
/// [`crate::terraform_kind!`] and [`crate::terraform_block!`] record it from their field lists
/// ([`Kind::MODEL`], [`NestedBlock::MODEL`]), and every block a typed model lowers to carries
/// it, so [`File::set_argument`] can refuse an override of an argument the kind does not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BlockModel {
    /// A nested block's identifier and labels (`["vpc_config"]`, `["backend", "s3"]`); empty for
    /// a kind, whose block header comes from its mode and name.
    pub header: &'static [&'static str],
    /// The argument names, as Terraform spells them, in declaration order.
    pub arguments: &'static [&'static str],
    /// The nested block types, in declaration order.
    pub blocks: &'static [&'static BlockModel],
}

impl BlockModel {
    /// The identifier of a nested block type (`vpc_config`); empty for a kind.
    #[must_use]
    pub fn ident(&self) -> &'static str {
        self.header.first().copied().unwrap_or_default()
    }
}

/// A kind of Terraform object (`aws_vpc`, `aws_region` …) whose fields are its arguments.
///
/// Implemented by [`crate::terraform_kind!`]; see there.
pub trait Kind {
    /// The Terraform type name, for example `aws_vpc`.
    const TYPE: &'static str;
    /// The typed reference to an instance, with one method per exported attribute.
    type Ref: From<Expr>;
    /// Every argument the kind can set, in declaration order (for a module: its inputs).
    const ARGUMENTS: &'static [&'static str] = &[];
    /// Every attribute its reference type reads (for a module: its outputs).
    const ATTRIBUTES: &'static [&'static str] = &[];
    /// The arguments and nested block types the kind models, recorded on its blocks for
    /// [`File::set_argument`].
    const MODEL: &'static BlockModel = &BlockModel {
        header: &[],
        arguments: Self::ARGUMENTS,
        blocks: &[],
    };
    /// The arguments that are set, in declaration order.
    fn arguments(&self) -> Vec<(&'static str, &Arg)>;
    /// The nested blocks that are set, in declaration order.
    fn nested(&self) -> Vec<Block> {
        Vec::new()
    }
}

/// A [`Kind`] that is a managed resource (`resource "…" "…"`).
pub trait ResourceKind: Kind {}

/// A [`Kind`] that is a data source (`data "…" "…"`).
pub trait DataKind: Kind {}

/// A [`Kind`] that is the input of a module call (`module "…" { source = … }`).
pub trait ModuleKind: Kind {}

/// A [`Kind`] that configures a provider (`provider "…"`).
pub trait ProviderKind: Kind {}

/// A nested block type (`vpc_config { … }`), declared with [`crate::terraform_block!`].
pub trait NestedBlock {
    /// The block's identifier and labels, for example `["vpc_config"]` or `["backend", "s3"]`.
    const HEADER: &'static [&'static str];
    /// Every argument the block type can set, in declaration order.
    const ARGUMENTS: &'static [&'static str] = &[];
    /// The arguments and nested block types the block type models, recorded on its blocks for
    /// [`File::set_argument`].
    const MODEL: &'static BlockModel = &BlockModel {
        header: Self::HEADER,
        arguments: Self::ARGUMENTS,
        blocks: &[],
    };
    /// The arguments that are set, in declaration order.
    fn arguments(&self) -> Vec<(&'static str, &Arg)>;
    /// The nested blocks that are set, in declaration order.
    fn nested(&self) -> Vec<Block>;
    /// The comment above the block.
    fn why(&self) -> Option<&str>;

    /// The block.
    fn to_block(&self) -> Block {
        let (ident, labels) = Self::HEADER.split_first().unwrap_or((&"block", &[]));
        let mut block = Block::new(ident, labels)
            .with_comment(self.why())
            .with_model(Self::MODEL);
        for (key, arg) in self.arguments() {
            block.body.attr(key, arg.value.clone(), arg.why.as_deref());
        }
        for nested in self.nested() {
            block.body.group();
            block.body.block(nested);
        }
        block
    }
}

/// The `lifecycle` meta-argument block of a resource.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Lifecycle {
    /// Attributes Terraform must not revert (paths relative to the resource, built with
    /// [`Expr::ident`]).
    pub ignore_changes: Vec<Expr>,
    /// Create the replacement before destroying the old object.
    pub create_before_destroy: bool,
    /// Refuse any plan that destroys the object.
    pub prevent_destroy: bool,
    /// The comment above the block, saying why.
    pub why: Option<String>,
}

impl Lifecycle {
    fn to_block(&self) -> Block {
        let mut block = Block::new("lifecycle", &[]).with_comment(self.why.as_deref());
        if self.create_before_destroy {
            block.body.attr("create_before_destroy", true.into(), None);
        }
        if self.prevent_destroy {
            block.body.attr("prevent_destroy", true.into(), None);
        }
        if !self.ignore_changes.is_empty() {
            block.body.attr(
                "ignore_changes",
                Expr::list(self.ignore_changes.clone()),
                None,
            );
        }
        block
    }
}

/// Arguments that go into a group of their own, after the others.
const TAGS: &str = "tags";

fn kind_body(arguments: &[(&'static str, &Arg)], nested: Vec<Block>, body: &mut Body) {
    body.group();
    for (key, arg) in arguments.iter().filter(|(key, _)| *key != TAGS) {
        body.attr(key, arg.value.clone(), arg.why.as_deref());
    }
    for block in nested {
        body.group();
        body.block(block);
    }
    for (key, arg) in arguments.iter().filter(|(key, _)| *key == TAGS) {
        body.group();
        body.attr(key, arg.value.clone(), arg.why.as_deref());
    }
}

/// A `resource` block of kind `T`.
///
/// References to it come from the value: [`Resource::get`] for a single instance,
/// [`Resource::at`] for one instance of a `for_each` resource, [`Resource::all`] for them all.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource<T> {
    name: Name,
    args: T,
    for_each: Option<Expr>,
    count: Option<Expr>,
    provider: Option<Expr>,
    dynamic: Vec<super::Dynamic>,
    lifecycle: Option<Lifecycle>,
    depends_on: Vec<Expr>,
    why: Option<String>,
}

impl<T: ResourceKind> Resource<T> {
    /// `resource "<T::TYPE>" "<name>"` with these arguments.
    #[must_use]
    pub fn new(name: Name, args: T) -> Self {
        Self {
            name,
            args,
            for_each: None,
            count: None,
            provider: None,
            dynamic: Vec::new(),
            lifecycle: None,
            depends_on: Vec::new(),
            why: None,
        }
    }

    /// The `provider` meta-argument: this resource is managed through `provider` (an aliased
    /// configuration: another region or account) instead of the default one.
    #[must_use]
    pub fn provider<P: ProviderKind>(mut self, provider: &Provider<P>) -> Self {
        self.provider = Some(provider.reference());
        self
    }

    /// A `dynamic` block of one of the kind's nested block types.
    ///
    /// # Errors
    /// [`crate::Error::Invalid`] (field `dynamic`) when the kind does not model a nested block
    /// of that type.
    pub fn dynamic(mut self, block: super::Dynamic) -> crate::Result<Self> {
        let ident = block.ident();
        if !T::MODEL.blocks.iter().any(|model| model.ident() == ident) {
            let known: Vec<&str> = T::MODEL.blocks.iter().map(|model| model.ident()).collect();
            return Err(crate::Error::invalid(
                "dynamic",
                ident,
                format!(
                    "{} models no nested block `{ident}`; it has: {}. Fix the block type, or add \
                     it to the kind's declaration (terraform_kind!)",
                    T::TYPE,
                    if known.is_empty() {
                        "none".to_owned()
                    } else {
                        known.join(", ")
                    }
                ),
            ));
        }
        self.dynamic.push(block);
        Ok(self)
    }

    /// `count` instances (typically `condition ? 1 : 0` for an optional resource).
    #[must_use]
    pub fn count(mut self, count: impl Into<Expr>) -> Self {
        self.count = Some(count.into());
        self
    }

    /// The `lifecycle` block.
    #[must_use]
    pub fn lifecycle(mut self, lifecycle: Lifecycle) -> Self {
        self.lifecycle = Some(lifecycle);
        self
    }

    /// One instance per element of `collection` (a map or a set of strings).
    #[must_use]
    pub fn for_each(mut self, collection: impl Into<Expr>) -> Self {
        self.for_each = Some(collection.into());
        self
    }

    /// An ordering dependency Terraform cannot see from the references: a resource, a data
    /// source or a module call.
    #[must_use]
    pub fn depends_on(mut self, other: &impl Addressable) -> Self {
        self.depends_on.push(other.address());
        self
    }

    /// The comment written above the block, saying why it exists.
    #[must_use]
    pub fn why(mut self, comment: impl Into<String>) -> Self {
        self.why = Some(comment.into());
        self
    }

    /// The arguments.
    pub fn args(&self) -> &T {
        &self.args
    }

    /// The resource's name (its second label).
    pub fn name(&self) -> &Name {
        &self.name
    }

    /// The whole resource: `aws_x.name` (with `for_each`, the map of all instances).
    #[must_use]
    pub fn all(&self) -> Expr {
        Expr::keyword(T::TYPE).attr(&self.name)
    }

    /// The single instance, for typed attribute access: `aws_x.name.<attr>`.
    #[must_use]
    pub fn get(&self) -> T::Ref {
        T::Ref::from(self.all())
    }

    /// One instance of a `for_each` resource: `aws_x.name[key].<attr>`.
    #[must_use]
    pub fn at(&self, key: impl Into<Expr>) -> T::Ref {
        T::Ref::from(self.all().index(key))
    }

    /// The block.
    #[must_use]
    pub fn to_block(&self) -> Block {
        let mut block = Block::new("resource", &[T::TYPE, self.name.as_str()])
            .with_comment(self.why.as_deref())
            .with_model(T::MODEL);
        if let Some(collection) = &self.for_each {
            block.body.attr("for_each", collection.clone(), None);
        }
        if let Some(count) = &self.count {
            block.body.attr("count", count.clone(), None);
        }
        if let Some(provider) = &self.provider {
            block.body.attr("provider", provider.clone(), None);
        }
        kind_body(&self.args.arguments(), self.args.nested(), &mut block.body);
        for dynamic in &self.dynamic {
            block.body.group();
            block.body.block(dynamic.to_block());
        }
        if let Some(lifecycle) = &self.lifecycle {
            block.body.group();
            block.body.block(lifecycle.to_block());
        }
        if !self.depends_on.is_empty() {
            block.body.group();
            block
                .body
                .attr("depends_on", Expr::list(self.depends_on.clone()), None);
        }
        block
    }
}

/// A `data` block of kind `T`.
#[derive(Debug, Clone, PartialEq)]
pub struct Data<T> {
    name: Name,
    args: T,
    count: Option<Expr>,
    provider: Option<Expr>,
}

impl<T: DataKind> Data<T> {
    /// `data "<T::TYPE>" "<name>"` with these arguments.
    #[must_use]
    pub fn new(name: Name, args: T) -> Self {
        Self {
            name,
            args,
            count: None,
            provider: None,
        }
    }

    /// The `provider` meta-argument: read through `provider` instead of the default
    /// configuration.
    #[must_use]
    pub fn provider<P: ProviderKind>(mut self, provider: &Provider<P>) -> Self {
        self.provider = Some(provider.reference());
        self
    }

    /// `count` instances (typically `condition ? 0 : 1` to look up what was not created).
    #[must_use]
    pub fn count(mut self, count: impl Into<Expr>) -> Self {
        self.count = Some(count.into());
        self
    }

    /// One instance of a data source with `count`: `data.aws_x.name[index].<attr>`.
    #[must_use]
    pub fn at(&self, index: impl Into<Expr>) -> T::Ref {
        T::Ref::from(self.base().index(index))
    }

    fn base(&self) -> Expr {
        Expr::keyword("data").attr_raw(T::TYPE).attr(&self.name)
    }

    /// Typed access to the data source's attributes: `data.aws_x.name.<attr>`.
    #[must_use]
    pub fn get(&self) -> T::Ref {
        T::Ref::from(Expr::keyword("data").attr_raw(T::TYPE).attr(&self.name))
    }

    /// The block.
    #[must_use]
    pub fn to_block(&self) -> Block {
        let mut block = Block::new("data", &[T::TYPE, self.name.as_str()]).with_model(T::MODEL);
        if let Some(count) = &self.count {
            block.body.attr("count", count.clone(), None);
        }
        if let Some(provider) = &self.provider {
            block.body.attr("provider", provider.clone(), None);
        }
        kind_body(&self.args.arguments(), self.args.nested(), &mut block.body);
        block
    }
}

/// A block `depends_on` can name: a resource (`aws_x.name`), a data source (`data.aws_x.name`)
/// or a module call (`module.name`). Sealed: the three are this crate's.
pub trait Addressable: sealed::Sealed {
    /// The block's address, as `depends_on` lists it.
    fn address(&self) -> Expr;
}

mod sealed {
    pub trait Sealed {}
    impl<T> Sealed for super::Resource<T> {}
    impl<T> Sealed for super::Data<T> {}
    impl<T> Sealed for super::Module<T> {}
}

impl<T: ResourceKind> Addressable for Resource<T> {
    fn address(&self) -> Expr {
        self.all()
    }
}

impl<T: DataKind> Addressable for Data<T> {
    fn address(&self) -> Expr {
        self.base()
    }
}

impl<T: ModuleKind> Addressable for Module<T> {
    fn address(&self) -> Expr {
        Expr::keyword("module").attr(&self.name)
    }
}

/// A `module` call whose inputs are a [`ModuleKind`]: a misspelt input does not compile, and
/// [`Module::get`] hands out the module's outputs as typed references (`module.<name>.<output>`).
#[derive(Debug, Clone, PartialEq)]
pub struct Module<T> {
    name: Name,
    source: String,
    args: T,
    providers: Vec<(Expr, Expr)>,
    depends_on: Vec<Expr>,
    why: Option<String>,
}

impl<T: ModuleKind> Module<T> {
    /// `module "<name>" { source = "<source>" … }`.
    #[must_use]
    pub fn new(name: Name, source: impl Into<String>, args: T) -> Self {
        Self {
            name,
            source: source.into(),
            args,
            providers: Vec::new(),
            depends_on: Vec::new(),
            why: None,
        }
    }

    /// An entry of the `providers` meta-argument: the module's configuration `inside` (its
    /// default `aws`, or an alias it declares in `configuration_aliases`) is this root's
    /// `given`. Without any, the module inherits the default configurations.
    #[must_use]
    pub fn provider<P: ProviderKind>(mut self, inside: &Provider<P>, given: &Provider<P>) -> Self {
        self.providers.push((inside.reference(), given.reference()));
        self
    }

    /// The comment written above the block.
    #[must_use]
    pub fn why(mut self, comment: impl Into<String>) -> Self {
        self.why = Some(comment.into());
        self
    }

    /// An ordering dependency Terraform cannot see from the references: a resource, a data
    /// source or another module call.
    #[must_use]
    pub fn depends_on(mut self, other: &impl Addressable) -> Self {
        self.depends_on.push(other.address());
        self
    }

    /// The inputs.
    pub fn args(&self) -> &T {
        &self.args
    }

    /// The module's outputs: `module.<name>.<output>`.
    #[must_use]
    pub fn get(&self) -> T::Ref {
        T::Ref::from(Expr::keyword("module").attr(&self.name))
    }

    /// The block.
    #[must_use]
    pub fn to_block(&self) -> Block {
        let mut block = Block::new("module", &[self.name.as_str()])
            .with_comment(self.why.as_deref())
            .with_model(T::MODEL);
        block.body.attr("source", self.source.as_str().into(), None);
        if !self.providers.is_empty() {
            let entries = self
                .providers
                .iter()
                .map(|(inside, given)| (super::Key::provider(inside), given.clone()));
            block.body.attr("providers", Expr::object(entries), None);
        }
        kind_body(&self.args.arguments(), self.args.nested(), &mut block.body);
        if !self.depends_on.is_empty() {
            block.body.group();
            block
                .body
                .attr("depends_on", Expr::list(self.depends_on.clone()), None);
        }
        block
    }
}

/// A `provider` block of a [`ProviderKind`].
#[derive(Debug, Clone, PartialEq)]
pub struct Provider<T> {
    args: T,
    alias: Option<Name>,
}

impl<T: ProviderKind> Provider<T> {
    /// A provider kind is declared with [`crate::terraform_kind!`]; its configurations are
    /// values, and resources pick one with [`Resource::provider`].
    ///
    /// ```
    /// bkt_core::terraform_kind! {
    ///     /// The AWS provider.
    ///     provider Aws => "aws" {
    ///         /// The region.
    ///         region,
    ///     }
    ///     /// Nothing to read.
    ///     pub ref AwsRef {}
    /// }
    /// let us_east = bkt_core::hcl::Provider::new(Aws { region: Some("us-east-1".into()) })
    ///     .alias(bkt_core::name!("us_east_1"));
    /// let text = bkt_core::hcl::to_string(&us_east.to_block());
    /// assert_eq!(text, "provider \"aws\" {\n  alias = \"us_east_1\"\n\n  region = \"us-east-1\"\n}\n");
    /// ```
    ///
    /// The default configuration of the provider.
    #[must_use]
    pub fn new(args: T) -> Self {
        Self { args, alias: None }
    }

    /// An additional configuration, selected by `alias`.
    #[must_use]
    pub fn alias(mut self, alias: Name) -> Self {
        self.alias = Some(alias);
        self
    }

    /// The configuration as the `provider` meta-argument names it: `aws`, or `aws.<alias>`.
    #[must_use]
    pub fn reference(&self) -> Expr {
        let base = Expr::keyword(T::TYPE);
        match &self.alias {
            Some(alias) => base.attr(alias),
            None => base,
        }
    }

    /// The block.
    #[must_use]
    pub fn to_block(&self) -> Block {
        let mut block = Block::new("provider", &[T::TYPE]).with_model(T::MODEL);
        if let Some(alias) = &self.alias {
            block.body.attr("alias", alias.as_str().into(), None);
        }
        kind_body(&self.args.arguments(), self.args.nested(), &mut block.body);
        block
    }
}

/// An attribute of an object type constraint.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The attribute's name.
    pub name: Name,
    /// Its type.
    pub type_: Type,
    /// `None`: required. `Some(None)`: `optional(T)`. `Some(Some(d))`: `optional(T, d)`.
    pub optional: Option<Option<Expr>>,
}

impl Field {
    /// A required attribute.
    #[must_use]
    pub fn required(name: Name, type_: Type) -> Self {
        Self {
            name,
            type_,
            optional: None,
        }
    }

    /// An optional attribute, `null` when absent.
    #[must_use]
    pub fn optional(name: Name, type_: Type) -> Self {
        Self {
            name,
            type_,
            optional: Some(None),
        }
    }

    /// An optional attribute with a default.
    #[must_use]
    pub fn defaulted(name: Name, type_: Type, default: impl Into<Expr>) -> Self {
        Self {
            name,
            type_,
            optional: Some(Some(default.into())),
        }
    }
}

/// A type constraint of a variable.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Type {
    /// `string`
    String,
    /// `number`
    Number,
    /// `bool`
    Bool,
    /// `list(T)`
    List(Box<Type>),
    /// `set(T)`
    Set(Box<Type>),
    /// `map(T)`
    Map(Box<Type>),
    /// `object({ … })`
    Object(Vec<Field>),
    /// `any`
    Any,
}

impl Type {
    fn to_expr(&self) -> Expr {
        match self {
            Self::String => Expr::keyword("string"),
            Self::Number => Expr::keyword("number"),
            Self::Bool => Expr::keyword("bool"),
            Self::List(inner) => Expr::call("list", [inner.to_expr()]),
            Self::Set(inner) => Expr::call("set", [inner.to_expr()]),
            Self::Map(inner) => Expr::call("map", [inner.to_expr()]),
            Self::Object(fields) => Expr::call(
                "object",
                [Expr::object(fields.iter().map(|field| {
                    let type_ = field.type_.to_expr();
                    let value = match &field.optional {
                        None => type_,
                        Some(None) => Expr::call("optional", [type_]),
                        Some(Some(default)) => Expr::call("optional", [type_, default.clone()]),
                    };
                    (field.name.as_str(), value)
                }))],
            ),
            Self::Any => Expr::keyword("any"),
        }
    }
}

/// A `validation` block: the condition and the message shown when it is false.
#[derive(Debug, Clone, PartialEq)]
pub struct Validation {
    /// A condition over the variable that must hold.
    pub condition: Expr,
    /// What is wrong and how to fix it, ending in a full stop.
    pub error_message: String,
}

/// An input `variable` of a module.
#[derive(Debug, Clone, PartialEq)]
pub struct Variable {
    name: Name,
    description: String,
    type_: Type,
    default: Option<Expr>,
    sensitive: bool,
    nullable: bool,
    validations: Vec<Validation>,
}

impl Variable {
    /// ```
    /// use bkt_core::hcl::{Expr, Type, Variable, to_string};
    /// let retention = Variable::new(bkt_core::name!("retention_days"), "Days to keep logs.", Type::Number)
    ///     .default(30)
    ///     .validate(|days| days.at_least(1), "retention_days must be at least 1.");
    /// let text = to_string(&retention.to_block());
    /// assert!(text.contains("  condition     = var.retention_days >= 1\n"));
    /// assert_eq!(retention.reference(), Expr::parse("var.retention_days")?);
    /// # Ok::<(), bkt_core::Error>(())
    /// ```
    ///
    /// A variable with its description and type constraint.
    #[must_use]
    pub fn new(name: Name, description: impl Into<String>, type_: Type) -> Self {
        Self {
            name,
            description: description.into(),
            type_,
            default: None,
            sensitive: false,
            nullable: true,
            validations: Vec::new(),
        }
    }

    /// The variable's name.
    #[must_use]
    pub fn name(&self) -> &Name {
        &self.name
    }

    /// The variable's type constraint.
    #[must_use]
    pub fn type_constraint(&self) -> &Type {
        &self.type_
    }

    /// The default, which makes the variable optional.
    #[must_use]
    pub fn default(mut self, value: impl Into<Expr>) -> Self {
        self.default = Some(value.into());
        self
    }

    /// Marks the value sensitive (kept out of plan output).
    #[must_use]
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }

    /// Rejects `null` as a value (`nullable = false`), so the default applies instead.
    #[must_use]
    pub fn non_nullable(mut self) -> Self {
        self.nullable = false;
        self
    }

    /// Adds a validation; `condition` receives the reference to this variable.
    #[must_use]
    pub fn validate(
        mut self,
        condition: impl FnOnce(Expr) -> Expr,
        error_message: impl Into<String>,
    ) -> Self {
        let condition = condition(self.reference());
        self.validations.push(Validation {
            condition,
            error_message: error_message.into(),
        });
        self
    }

    /// `var.<name>`.
    #[must_use]
    pub fn reference(&self) -> Expr {
        Expr::keyword("var").attr(&self.name)
    }

    /// The block.
    #[must_use]
    pub fn to_block(&self) -> Block {
        let mut block = Block::new("variable", &[self.name.as_str()]);
        let body = &mut block.body;
        let description = if self.description.contains('\n') {
            Expr::heredoc(&self.description)
        } else {
            self.description.as_str().into()
        };
        body.attr("description", description, None);
        body.attr("type", self.type_.to_expr(), None);
        if let Some(default) = &self.default {
            body.attr("default", default.clone(), None);
        }
        if self.sensitive {
            body.attr("sensitive", true.into(), None);
        }
        if !self.nullable {
            body.attr("nullable", false.into(), None);
        }
        for validation in &self.validations {
            body.group();
            let mut inner = Block::new("validation", &[]);
            inner
                .body
                .attr("condition", validation.condition.clone(), None);
            inner.body.attr(
                "error_message",
                validation.error_message.as_str().into(),
                None,
            );
            body.block(inner);
        }
        block
    }
}

/// An `output` of a module.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    name: Name,
    description: String,
    value: Expr,
    sensitive: bool,
}

impl Output {
    /// ```
    /// use bkt_core::hcl::{Output, to_string};
    /// let arn = bkt_core::hcl::Expr::parse("aws_sqs_queue.orders.arn")?;
    /// let output = Output::new(bkt_core::name!("queue_arn"), "The queue's ARN.", arn).sensitive();
    /// assert!(to_string(&output.to_block()).contains("  sensitive   = true\n"));
    /// # Ok::<(), bkt_core::Error>(())
    /// ```
    ///
    /// An output with its description and value.
    #[must_use]
    pub fn new(name: Name, description: impl Into<String>, value: impl Into<Expr>) -> Self {
        Self {
            name,
            description: description.into(),
            value: value.into(),
            sensitive: false,
        }
    }

    /// Marks the output sensitive.
    #[must_use]
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }

    /// The block.
    #[must_use]
    pub fn to_block(&self) -> Block {
        let mut block = Block::new("output", &[self.name.as_str()]);
        block
            .body
            .attr("description", self.description.as_str().into(), None);
        block.body.attr("value", self.value.clone(), None);
        if self.sensitive {
            block.body.attr("sensitive", true.into(), None);
        }
        block
    }
}

/// One named value of a `locals` block.
#[derive(Debug, Clone, PartialEq)]
pub struct Local {
    name: Name,
    value: Expr,
    why: Option<String>,
}

impl Local {
    /// `name = value`.
    #[must_use]
    pub fn new(name: Name, value: impl Into<Expr>) -> Self {
        Self {
            name,
            value: value.into(),
            why: None,
        }
    }

    /// The comment written above it.
    #[must_use]
    pub fn why(mut self, comment: impl Into<String>) -> Self {
        self.why = Some(comment.into());
        self
    }

    /// `local.<name>`.
    #[must_use]
    pub fn reference(&self) -> Expr {
        Expr::keyword("local").attr(&self.name)
    }
}

/// A `locals` block: groups of [`Local`]s, separated by blank lines.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Locals {
    /// The groups, in order.
    pub groups: Vec<Vec<Local>>,
}

impl Locals {
    /// The block.
    #[must_use]
    pub fn to_block(&self) -> Block {
        let mut block = Block::new("locals", &[]);
        for group in &self.groups {
            block.body.group();
            for local in group {
                block.body.attr(
                    local.name.as_str(),
                    local.value.clone(),
                    local.why.as_deref(),
                );
            }
        }
        block
    }
}

/// A provider requirement of the `terraform` block.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RequiredProvider {
    /// Local name, for example `aws`.
    pub name: Name,
    /// Registry source, for example `hashicorp/aws`.
    pub source: String,
    /// Version constraint, for example `>= 5.100.0`.
    pub version: String,
}

/// The `terraform` settings block of a module.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Settings {
    /// Terraform version constraint, for example `>= 1.11.0`.
    pub required_version: String,
    /// Providers the module uses.
    pub required_providers: Vec<RequiredProvider>,
    /// The state backend of a root module (a [`NestedBlock`] such as `backend "s3"`).
    pub backend: Option<Block>,
}

impl Settings {
    /// The block.
    #[must_use]
    pub fn to_block(&self) -> Block {
        let mut block = Block::new("terraform", &[]);
        block.body.attr(
            "required_version",
            self.required_version.as_str().into(),
            None,
        );
        if !self.required_providers.is_empty() {
            block.body.group();
            let mut providers = Block::new("required_providers", &[]);
            for provider in &self.required_providers {
                providers.body.attr(
                    provider.name.as_str(),
                    Expr::object([
                        ("source", provider.source.as_str()),
                        ("version", provider.version.as_str()),
                    ]),
                    None,
                );
            }
            block.body.block(providers);
        }
        if let Some(backend) = &self.backend {
            block.body.group();
            block.body.block(backend.clone());
        }
        block
    }
}

/// A `.tf` file: top-level blocks, in order, one blank line apart.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct File {
    blocks: Vec<Block>,
}

impl File {
    /// ```
    /// use bkt_core::hcl::{File, Output, Type, Variable};
    /// let name = Variable::new(bkt_core::name!("name"), "The name.", Type::String);
    /// let mut file = File::new();
    /// file.push(name.to_block())
    ///     .push(Output::new(bkt_core::name!("upper_name"), "The name's length.",
    ///         bkt_core::hcl::func::length(name.reference())).to_block());
    /// assert_eq!(file.labels("output"), ["upper_name"]);
    /// assert!(file.render().contains("\n\noutput \"upper_name\" {\n"));
    /// ```
    ///
    /// An empty file.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a block (any model's `to_block()`).
    pub fn push(&mut self, block: Block) -> &mut Self {
        self.blocks.push(block);
        self
    }

    /// The file's blocks.
    #[must_use]
    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }

    /// The first label of every top-level block named `ident`, in order: the variables of a
    /// `variables.tf` (`labels("variable")`), the outputs of an `outputs.tf`.
    #[must_use]
    pub fn labels(&self, ident: &str) -> Vec<String> {
        self.blocks
            .iter()
            .filter(|block| block.ident == ident)
            .filter_map(|block| block.labels.first().cloned())
            .collect()
    }

    /// Sets one argument of the block at `address`, replacing what the typed model gave it,
    /// without forking the crate that built the file.
    ///
    /// `address` is the block's Terraform address: `TYPE.NAME` for a resource, `data.TYPE.NAME`,
    /// `module.NAME`, `provider.TYPE` (`provider.TYPE.ALIAS` for an aliased one). `path` is an
    /// argument of that kind as the crates model it (its `terraform_kind!` field), a nested
    /// block's argument (`metadata_options.http_put_response_hop_limit`, any depth), or a key
    /// inside an argument whose value is an object (`tags.Owner`; `\.` for a dot inside a key).
    /// Meta-arguments (`count`, `for_each`, `depends_on`, `lifecycle`, a module's `source`) are
    /// not overridable here: they come from the typed builders.
    ///
    /// The value takes the place of the old one (with the `why` comment of the [`Arg`], if any,
    /// instead of the old comment); an argument or nested block the model left unset is added,
    /// in declaration order among the arguments, after the others for a block. The file still
    /// renders byte-identical to `terraform fmt`: alignment is redone when it is written.
    ///
    /// ```
    /// use bkt_core::hcl::{Expr, File, Resource};
    ///
    /// bkt_core::terraform_block! {
    ///     /// `metadata_options` of an instance.
    ///     pub struct MetadataOptions => "metadata_options" {
    ///         /// `required` for IMDSv2.
    ///         http_tokens,
    ///         /// How far the token travels.
    ///         http_put_response_hop_limit,
    ///     }
    /// }
    /// bkt_core::terraform_kind! {
    ///     /// An `aws_instance`.
    ///     pub resource Instance => "aws_instance" {
    ///         /// The AMI.
    ///         ami,
    ///         /// The size.
    ///         instance_type,
    ///     }
    ///     blocks {
    ///         /// Instance metadata service settings.
    ///         metadata_options: MetadataOptions,
    ///     }
    ///     /// Attributes of an `aws_instance`.
    ///     pub ref InstanceRef { id }
    /// }
    ///
    /// let instance = Resource::new(bkt_core::name!("this"), Instance {
    ///     ami: Some("ami-123".into()),
    ///     metadata_options: Some(MetadataOptions {
    ///         http_tokens: Some("required".into()),
    ///         http_put_response_hop_limit: Some(1.into()),
    ///         ..Default::default()
    ///     }),
    ///     ..Default::default()
    /// });
    /// let mut file = File::new();
    /// file.push(instance.to_block());
    /// file.set_argument("aws_instance.this", "instance_type", Expr::from("t3.small"))?
    ///     .set_argument("aws_instance.this", "metadata_options.http_put_response_hop_limit", 2)?;
    /// assert_eq!(file.render(), "\
    /// resource \"aws_instance\" \"this\" {
    ///   ami           = \"ami-123\"
    ///   instance_type = \"t3.small\"
    ///
    ///   metadata_options {
    ///     http_tokens                 = \"required\"
    ///     http_put_response_hop_limit = 2
    ///   }
    /// }
    /// ");
    ///
    /// // An argument the kind does not model, or a block the file does not have, is an error.
    /// let error = file.set_argument("aws_instance.this", "instance_typ", "t3.large").unwrap_err();
    /// assert!(error.to_string().contains("\"instance_typ\" is not an argument or nested block of aws_instance.this as"));
    /// assert!(file.set_argument("aws_instance.that", "ami", "ami-456").is_err());
    /// # Ok::<(), bkt_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`crate::Error::NoSuchBlock`] when the file has no block at `address`,
    /// [`crate::Error::UnknownArgument`] when the kind (or the nested block on the way) does
    /// not model a name of `path`, and [`crate::Error::Invalid`] when `path` is malformed,
    /// stops at a nested block, goes into a value that is not an object literal (or an unset
    /// argument), or when the nested block on the way is repeated and so ambiguous.
    pub fn set_argument(
        &mut self,
        address: &str,
        path: &str,
        value: impl Into<Arg>,
    ) -> crate::Result<&mut Self> {
        super::set::in_file(&mut self.blocks, address, path, value.into())?;
        Ok(self)
    }

    /// The file's text as `terraform fmt` writes it (without the generated-file header).
    #[must_use]
    pub fn render(&self) -> String {
        let mut body = Body::default();
        for block in &self.blocks {
            body.group();
            body.block(block.clone());
        }
        super::print::body(&body, 0)
    }
}

/// A typed reference handed out by [`Resource::get`], [`Resource::at`] and [`Data::get`].
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
