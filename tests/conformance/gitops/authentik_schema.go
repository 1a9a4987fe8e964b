package gitops

// Facts from Authentik's published blueprint schema, written down as data so the checker needs
// no copy of the schema file.
//
// Source: blueprints/schema.json in goauthentik/authentik, titled "authentik 2025.12.0-rc1
// Blueprint schema", commit 001b56e2ccb84e85e63cb0c18803f46ae713346b, read on 2026-11-29. The
// platform runs chart 2026.8.0 (crates/bkt-helm/src/charts/authentik.rs); 2025.12.0-rc1 is the
// closest version whose schema was available to read. When the chart moves, read the schema of
// the new version and update these tables; a property Authentik adds shows up here as an
// "unknown key" finding, never as a silent pass.
//
// The YAML tags come from website/docs/customize/blueprints/v1/tags.mdx and the file layout from
// website/docs/customize/blueprints/v1/structure.mdx of the same repository.

// BlueprintSchemaVersion names the schema the tables below were read from, for messages.
const BlueprintSchemaVersion = "Authentik blueprint schema 2025.12.0-rc1"

// valueKind is the JSON-schema type of a property.
type valueKind string

const (
	kindString  valueKind = "string"
	kindBoolean valueKind = "boolean"
	kindInteger valueKind = "integer"
	kindArray   valueKind = "array"
	kindObject  valueKind = "object"
)

// propertySpec is one documented property of a model.
type propertySpec struct {
	Kind valueKind
	// Enum lists the allowed values of a string property; empty means any.
	Enum []string
	// MinLength is the schema's minLength of a string property (1 where the schema says so).
	MinLength int
	// MaxLength is the schema's maxLength of a string property; 0 means none.
	MaxLength int
	// Item describes the elements of an array of objects; nil for arrays of scalars.
	Item *objectSpec
}

// objectSpec is a nested object with a closed set of properties.
type objectSpec struct {
	Properties map[string]propertySpec
	Required   []string
}

// modelSpec is what the schema documents for one model, plus the platform's own rule of which
// properties the SSO blueprint must set.
type modelSpec struct {
	// Properties are the schema's properties of model_<name>: the allowed keys of attrs and of
	// identifiers.
	Properties map[string]propertySpec
	// Permissions are the schema's allowed values of permissions[].permission.
	Permissions []string
	// MustSet are properties the platform requires in identifiers or attrs (Authentik merges
	// both when it creates the object). The schema itself marks no property of these models as
	// required ("required": []), because an entry may update an existing object partially;
	// each entry here says why the platform needs it.
	MustSet map[string]string
}

// blueprintTopKeys are the schema's top-level properties; version and entries are required.
var blueprintTopKeys = []string{"version", "metadata", "context", "entries"}

// blueprintMetadataKeys are the properties of metadata; name is required when metadata is set.
var blueprintMetadataKeys = []string{"name", "labels"}

// blueprintEntryKeys are the properties of an entry; model is required, and identifiers too for
// every model the platform uses.
var blueprintEntryKeys = []string{"model", "state", "id", "identifiers", "attrs", "conditions", "permissions"}

// blueprintEntryStates is the schema's enum of an entry's state (default present).
var blueprintEntryStates = []string{"absent", "created", "must_created", "present"}

// permissionKeys are the properties of one permissions[] item; permission is required.
var permissionKeys = []string{"permission", "user", "role"}

// tagShape says which YAML node kinds a tag accepts.
type tagShape struct {
	Scalar, Sequence bool
}

// blueprintTags are the documented custom YAML tags. Any other tag is a typo Authentik's loader
// rejects.
var blueprintTags = map[string]tagShape{
	"!KeyOf":      {Scalar: true},
	"!Env":        {Scalar: true, Sequence: true},
	"!File":       {Scalar: true, Sequence: true},
	"!Find":       {Sequence: true},
	"!FindObject": {Sequence: true},
	"!Context":    {Scalar: true, Sequence: true},
	"!Format":     {Sequence: true},
	"!If":         {Sequence: true},
	"!Condition":  {Sequence: true},
	"!Enumerate":  {Sequence: true},
	"!Index":      {Scalar: true},
	"!Value":      {Scalar: true},
	"!AtIndex":    {Sequence: true},
}

// findModels are the models a !Find or !FindObject may query. The schema knows many more; these
// are the ones an SSO blueprint needs (the four it declares, the flows, signing keys and scope
// mappings it points at). Add a model here, from the same schema, when a blueprint needs it.
var findModels = []string{
	"authentik_core.group",
	"authentik_core.application",
	"authentik_core.user",
	"authentik_providers_oauth2.oauth2provider",
	"authentik_providers_oauth2.scopemapping",
	"authentik_policies.policybinding",
	"authentik_flows.flow",
	"authentik_crypto.certificatekeypair",
	"authentik_rbac.role",
}

// uuidString is a foreign key or other UUID property: a string in the schema, usually a !KeyOf
// or !Find in a blueprint.
var uuidString = propertySpec{Kind: kindString}

// blueprintModels are the models the SSO blueprint may declare.
var blueprintModels = map[string]modelSpec{
	"authentik_core.group": {
		Properties: map[string]propertySpec{
			"name":         {Kind: kindString, MinLength: 1},
			"is_superuser": {Kind: kindBoolean},
			"parents":      {Kind: kindArray},
			"users":        {Kind: kindArray},
			"attributes":   {Kind: kindObject},
			"roles":        {Kind: kindArray},
		},
		Permissions: []string{"add_group", "add_user_to_group", "change_group", "delete_group",
			"disable_group_superuser", "enable_group_superuser", "remove_user_from_group", "view_group"},
		MustSet: map[string]string{
			"name": "the group name is what the consumers' role mappings match in the groups claim",
		},
	},
	"authentik_providers_oauth2.oauth2provider": {
		Properties: map[string]propertySpec{
			"name":                       {Kind: kindString, MinLength: 1},
			"authentication_flow":        uuidString,
			"authorization_flow":         uuidString,
			"invalidation_flow":          uuidString,
			"property_mappings":          {Kind: kindArray},
			"client_type":                {Kind: kindString, Enum: []string{"confidential", "public"}},
			"client_id":                  {Kind: kindString, MinLength: 1, MaxLength: 255},
			"client_secret":              {Kind: kindString, MaxLength: 255},
			"access_code_validity":       {Kind: kindString, MinLength: 1},
			"access_token_validity":      {Kind: kindString, MinLength: 1},
			"refresh_token_validity":     {Kind: kindString, MinLength: 1},
			"refresh_token_threshold":    {Kind: kindString, MinLength: 1},
			"include_claims_in_id_token": {Kind: kindBoolean},
			"signing_key":                uuidString,
			"encryption_key":             uuidString,
			"redirect_uris": {Kind: kindArray, Item: &objectSpec{
				Properties: map[string]propertySpec{
					"matching_mode": {Kind: kindString, Enum: []string{"strict", "regex"}},
					"url":           {Kind: kindString, MinLength: 1},
				},
				Required: []string{"matching_mode", "url"},
			}},
			"logout_uri":    {Kind: kindString},
			"logout_method": {Kind: kindString, Enum: []string{"backchannel", "frontchannel"}},
			"sub_mode": {Kind: kindString, Enum: []string{"hashed_user_id", "user_id", "user_uuid",
				"user_username", "user_email", "user_upn"}},
			"issuer_mode":              {Kind: kindString, Enum: []string{"global", "per_provider"}},
			"jwt_federation_sources":   {Kind: kindArray},
			"jwt_federation_providers": {Kind: kindArray},
		},
		Permissions: []string{"add_oauth2provider", "change_oauth2provider", "delete_oauth2provider", "view_oauth2provider"},
		MustSet: map[string]string{
			"name":               "a provider is found and shown by its name",
			"authorization_flow": "a provider without an authorization flow cannot complete a login",
			"invalidation_flow":  "logout ends in this flow; set it rather than depend on what the instance happens to default to",
			"client_type":        "the consumers are confidential clients; leaving it to the default hides that choice",
			"client_id":          "Authentik generates a random one when it is unset; the consumers are configured with the application name",
			"client_secret":      "Authentik generates a random one when it is unset; the consumers read the Secret generated in the cluster",
			"redirect_uris":      "without them Authentik refuses every redirect back to the consumer",
			"signing_key":        "without a key Authentik signs ID tokens with HS256 and publishes no JWKS; EKS and Vault verify RS256 tokens against the JWKS",
		},
	},
	"authentik_core.application": {
		Properties: map[string]propertySpec{
			"name":                  {Kind: kindString, MinLength: 1},
			"slug":                  {Kind: kindString, MinLength: 1},
			"provider":              {Kind: kindInteger},
			"backchannel_providers": {Kind: kindArray},
			"open_in_new_tab":       {Kind: kindBoolean},
			"meta_launch_url":       {Kind: kindString},
			"meta_icon":             {Kind: kindString},
			"meta_description":      {Kind: kindString},
			"meta_publisher":        {Kind: kindString},
			"policy_engine_mode":    {Kind: kindString, Enum: []string{"all", "any"}},
			"group":                 {Kind: kindString},
			"icon":                  {Kind: kindString, MinLength: 1},
		},
		Permissions: []string{"add_application", "change_application", "delete_application", "view_application"},
		MustSet: map[string]string{
			"name":     "the application's display name",
			"slug":     "the issuer is https://auth.<domain>/application/o/<slug>/; the consumers are configured with it",
			"provider": "an application without its OAuth2 provider serves no OIDC endpoints",
		},
	},
	"authentik_policies.policybinding": {
		Properties: map[string]propertySpec{
			"policy":         uuidString,
			"group":          uuidString,
			"user":           {Kind: kindInteger},
			"target":         uuidString,
			"negate":         {Kind: kindBoolean},
			"enabled":        {Kind: kindBoolean},
			"order":          {Kind: kindInteger},
			"timeout":        {Kind: kindInteger},
			"failure_result": {Kind: kindBoolean},
		},
		Permissions: []string{"add_policybinding", "change_policybinding", "delete_policybinding", "view_policybinding"},
		MustSet: map[string]string{
			"target": "a binding without its application binds nothing",
			"group":  "the binding is what limits an application to the groups declared for it",
			"order":  "bindings on one application are evaluated by order; an explicit order keeps each (application, group) entry distinct",
		},
	},
}
