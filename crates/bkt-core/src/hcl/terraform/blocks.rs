//! The blocks that make infrastructure: resources, data sources, module calls and provider
//! configurations of typed kinds.

use super::{DataKind, Lifecycle, ModuleKind, NestedBlock, ProviderKind, ResourceKind, kind_body};
use crate::hcl::{Block, Expr};
use crate::name::Name;

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
    dynamic: Vec<Dynamic>,
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
    pub fn dynamic(mut self, block: Dynamic) -> crate::Result<Self> {
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
                .map(|(inside, given)| (crate::hcl::Key::provider(inside), given.clone()));
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

/// A `dynamic` block: one nested block of type `N` per element of a collection, for a number of
/// blocks known only at plan time. The content is the typed block, built from the iterator's
/// current element ([`Dynamic::new`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Dynamic {
    ident: &'static str,
    for_each: Expr,
    content: Block,
}

impl Dynamic {
    /// `dynamic "<N's ident>" { for_each = <collection>  content { … } }`, the content built by
    /// `content` from the element (`<ident>.value`); `<ident>.key` is the element's key or index.
    #[must_use]
    pub fn new<N: NestedBlock>(
        collection: impl Into<Expr>,
        content: impl FnOnce(Expr) -> N,
    ) -> Self {
        let ident = N::HEADER.first().copied().unwrap_or_default();
        let element = Expr::keyword(ident).attr_raw("value");
        let block = content(element).to_block();
        let mut inner = Block::new("content", &[]);
        inner.body = block.body;
        Self {
            ident,
            for_each: collection.into(),
            content: inner,
        }
    }

    /// The nested block type it repeats.
    #[must_use]
    pub fn ident(&self) -> &'static str {
        self.ident
    }

    pub(crate) fn to_block(&self) -> Block {
        let mut block = Block::new("dynamic", &[self.ident]);
        block.body.attr("for_each", self.for_each.clone(), None);
        block.body.group();
        block.body.block(self.content.clone());
        block
    }
}
