package gitops

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// The operators below publish no Go API module the Go proxy serves, so their objects cannot be
// decoded into official types here. These shapes list the fields of the upstream types (names
// and nesting as the projects define them) for the parts of the spec this platform uses, and
// decoding is strict: a misspelt or misplaced field fails just as with an official type. A
// field the tree starts to use must be added here, from the project's API reference.

type shapeObject[S any] struct {
	APIVersion string            `json:"apiVersion"`
	Kind       string            `json:"kind"`
	Metadata   metav1.ObjectMeta `json:"metadata"`
	Spec       S                 `json:"spec"`
}

// --- External Secrets Operator (external-secrets.io, generators.external-secrets.io) ---

type esoStoreRef struct {
	Name string `json:"name,omitempty"`
	Kind string `json:"kind,omitempty"`
}

type esoGeneratorRef struct {
	APIVersion string `json:"apiVersion,omitempty"`
	Kind       string `json:"kind"`
	Name       string `json:"name"`
}

type esoRemoteRef struct {
	Key                string `json:"key"`
	Property           string `json:"property,omitempty"`
	Version            string `json:"version,omitempty"`
	MetadataPolicy     string `json:"metadataPolicy,omitempty"`
	ConversionStrategy string `json:"conversionStrategy,omitempty"`
	DecodingStrategy   string `json:"decodingStrategy,omitempty"`
}

type esoTemplate struct {
	Type          string            `json:"type,omitempty"`
	EngineVersion string            `json:"engineVersion,omitempty"`
	MergePolicy   string            `json:"mergePolicy,omitempty"`
	Metadata      map[string]any    `json:"metadata,omitempty"`
	Data          map[string]string `json:"data,omitempty"`
}

type externalSecretSpec struct {
	SecretStoreRef  *esoStoreRef `json:"secretStoreRef,omitempty"`
	RefreshInterval string       `json:"refreshInterval,omitempty"`
	RefreshPolicy   string       `json:"refreshPolicy,omitempty"`
	Target          struct {
		Name           string       `json:"name,omitempty"`
		CreationPolicy string       `json:"creationPolicy,omitempty"`
		DeletionPolicy string       `json:"deletionPolicy,omitempty"`
		Immutable      bool         `json:"immutable,omitempty"`
		Template       *esoTemplate `json:"template,omitempty"`
	} `json:"target,omitempty"`
	Data []struct {
		SecretKey string       `json:"secretKey"`
		RemoteRef esoRemoteRef `json:"remoteRef"`
	} `json:"data,omitempty"`
	DataFrom []struct {
		Extract   *esoRemoteRef `json:"extract,omitempty"`
		SourceRef *struct {
			StoreRef     *esoStoreRef     `json:"storeRef,omitempty"`
			GeneratorRef *esoGeneratorRef `json:"generatorRef,omitempty"`
		} `json:"sourceRef,omitempty"`
	} `json:"dataFrom,omitempty"`
}

type esoSecretRef struct {
	Name      string   `json:"name"`
	Namespace string   `json:"namespace,omitempty"`
	Audiences []string `json:"audiences,omitempty"`
}

type esoCAProvider struct {
	Type      string `json:"type"`
	Name      string `json:"name"`
	Key       string `json:"key,omitempty"`
	Namespace string `json:"namespace,omitempty"`
}

type secretStoreSpec struct {
	Controller string `json:"controller,omitempty"`
	Provider   struct {
		Vault *struct {
			Server     string         `json:"server"`
			Path       string         `json:"path,omitempty"`
			Version    string         `json:"version,omitempty"`
			Namespace  string         `json:"namespace,omitempty"`
			CABundle   string         `json:"caBundle,omitempty"`
			CAProvider *esoCAProvider `json:"caProvider,omitempty"`
			Auth       struct {
				Kubernetes *struct {
					MountPath         string        `json:"mountPath"`
					Role              string        `json:"role"`
					ServiceAccountRef *esoSecretRef `json:"serviceAccountRef,omitempty"`
				} `json:"kubernetes,omitempty"`
			} `json:"auth"`
		} `json:"vault,omitempty"`
		Kubernetes *struct {
			RemoteNamespace string `json:"remoteNamespace,omitempty"`
			Server          struct {
				URL        string         `json:"url,omitempty"`
				CABundle   string         `json:"caBundle,omitempty"`
				CAProvider *esoCAProvider `json:"caProvider,omitempty"`
			} `json:"server,omitempty"`
			Auth struct {
				ServiceAccount *esoSecretRef `json:"serviceAccount,omitempty"`
			} `json:"auth,omitempty"`
		} `json:"kubernetes,omitempty"`
		// AWS Secrets Manager or Parameter Store (external-secrets.io/v1 AWSProvider).
		AWS *struct {
			Service string `json:"service"`
			Region  string `json:"region,omitempty"`
			Role    string `json:"role,omitempty"`
			Prefix  string `json:"prefix,omitempty"`
			Auth    struct {
				JWT *struct {
					ServiceAccountRef *esoSecretRef `json:"serviceAccountRef,omitempty"`
				} `json:"jwt,omitempty"`
			} `json:"auth,omitempty"`
		} `json:"aws,omitempty"`
	} `json:"provider"`
}

type pushSecretSpec struct {
	RefreshInterval string        `json:"refreshInterval,omitempty"`
	SecretStoreRefs []esoStoreRef `json:"secretStoreRefs"`
	UpdatePolicy    string        `json:"updatePolicy,omitempty"`
	DeletionPolicy  string        `json:"deletionPolicy,omitempty"`
	Selector        struct {
		Secret *struct {
			Name string `json:"name,omitempty"`
		} `json:"secret,omitempty"`
		GeneratorRef *esoGeneratorRef `json:"generatorRef,omitempty"`
	} `json:"selector"`
	Data []struct {
		Match struct {
			SecretKey string `json:"secretKey,omitempty"`
			RemoteRef struct {
				RemoteKey string `json:"remoteKey"`
				Property  string `json:"property,omitempty"`
			} `json:"remoteRef"`
		} `json:"match"`
		ConversionStrategy string `json:"conversionStrategy,omitempty"`
	} `json:"data,omitempty"`
	Template *esoTemplate `json:"template,omitempty"`
}

type passwordSpec struct {
	Length           int      `json:"length"`
	Digits           *int     `json:"digits,omitempty"`
	Symbols          *int     `json:"symbols,omitempty"`
	SymbolCharacters *string  `json:"symbolCharacters,omitempty"`
	NoUpper          bool     `json:"noUpper"`
	AllowRepeat      bool     `json:"allowRepeat"`
	SecretKeys       []string `json:"secretKeys,omitempty"`
	Encoding         *string  `json:"encoding,omitempty"`
}

// --- AWS Load Balancer Controller (elbv2.k8s.aws) ---

type albTag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type ingressClassParamsSpec struct {
	NamespaceSelector *metav1.LabelSelector `json:"namespaceSelector,omitempty"`
	Group             *struct {
		Name string `json:"name"`
	} `json:"group,omitempty"`
	Scheme                 string   `json:"scheme,omitempty"`
	InboundCIDRs           []string `json:"inboundCIDRs,omitempty"`
	SSLPolicy              string   `json:"sslPolicy,omitempty"`
	SSLRedirectPort        string   `json:"sslRedirectPort,omitempty"`
	IPAddressType          string   `json:"ipAddressType,omitempty"`
	Tags                   []albTag `json:"tags,omitempty"`
	TargetType             string   `json:"targetType,omitempty"`
	LoadBalancerAttributes []albTag `json:"loadBalancerAttributes,omitempty"`
	CertificateArn         []string `json:"certificateArn,omitempty"`
	LoadBalancerName       string   `json:"loadBalancerName,omitempty"`
	PrefixListsIDs         []string `json:"prefixListsIDs,omitempty"`
}

// --- CloudNativePG (postgresql.cnpg.io) ---

type cnpgClusterSpec struct {
	Description string `json:"description,omitempty"`
	Instances   int    `json:"instances"`
	ImageName   string `json:"imageName,omitempty"`
	Storage     struct {
		Size         string `json:"size,omitempty"`
		StorageClass string `json:"storageClass,omitempty"`
	} `json:"storage,omitempty"`
	Bootstrap *struct {
		InitDB *struct {
			Database string `json:"database,omitempty"`
			Owner    string `json:"owner,omitempty"`
			Secret   *struct {
				Name string `json:"name"`
			} `json:"secret,omitempty"`
		} `json:"initdb,omitempty"`
	} `json:"bootstrap,omitempty"`
	Resources  corev1.ResourceRequirements `json:"resources,omitempty"`
	PostgreSQL *struct {
		Parameters map[string]string `json:"parameters,omitempty"`
	} `json:"postgresql,omitempty"`
}

// --- MariaDB operator (k8s.mariadb.com) ---

type mariaDBRef struct {
	Name      string `json:"name,omitempty"`
	Namespace string `json:"namespace,omitempty"`
	Kind      string `json:"kind,omitempty"`
	WaitForIt *bool  `json:"waitForIt,omitempty"`
}

type mariaDBSecretKeyRef struct {
	Name     string `json:"name"`
	Key      string `json:"key"`
	Generate bool   `json:"generate,omitempty"`
}

type mariaDBSpec struct {
	Image                    string               `json:"image,omitempty"`
	RootPasswordSecretKeyRef *mariaDBSecretKeyRef `json:"rootPasswordSecretKeyRef,omitempty"`
	Replicas                 int                  `json:"replicas,omitempty"`
	Storage                  struct {
		Size             string `json:"size,omitempty"`
		StorageClassName string `json:"storageClassName,omitempty"`
		Ephemeral        *bool  `json:"ephemeral,omitempty"`
	} `json:"storage,omitempty"`
	MyCnf              *string                     `json:"myCnf,omitempty"`
	Resources          corev1.ResourceRequirements `json:"resources,omitempty"`
	SecurityContext    *corev1.SecurityContext     `json:"securityContext,omitempty"`
	PodSecurityContext *corev1.PodSecurityContext  `json:"podSecurityContext,omitempty"`
}

type mariaDBDatabaseSpec struct {
	MariaDBRef    mariaDBRef `json:"mariaDbRef"`
	Name          string     `json:"name,omitempty"`
	CharacterSet  string     `json:"characterSet,omitempty"`
	Collate       string     `json:"collate,omitempty"`
	CleanupPolicy string     `json:"cleanupPolicy,omitempty"`
}

type mariaDBUserSpec struct {
	MariaDBRef           mariaDBRef           `json:"mariaDbRef"`
	Name                 string               `json:"name,omitempty"`
	PasswordSecretKeyRef *mariaDBSecretKeyRef `json:"passwordSecretKeyRef,omitempty"`
	MaxUserConnections   int32                `json:"maxUserConnections,omitempty"`
	Host                 string               `json:"host,omitempty"`
	CleanupPolicy        string               `json:"cleanupPolicy,omitempty"`
}

type mariaDBGrantSpec struct {
	MariaDBRef    mariaDBRef `json:"mariaDbRef"`
	Privileges    []string   `json:"privileges"`
	Database      string     `json:"database,omitempty"`
	Table         string     `json:"table,omitempty"`
	Username      string     `json:"username"`
	Host          string     `json:"host,omitempty"`
	GrantOption   bool       `json:"grantOption,omitempty"`
	CleanupPolicy string     `json:"cleanupPolicy,omitempty"`
}

// --- Flux Operator (fluxcd.controlplane.io), from api/v1/fluxinstance_types.go of v0.59.0 ---

type fluxInstanceSpec struct {
	Distribution struct {
		Version            string `json:"version"`
		Registry           string `json:"registry"`
		Variant            string `json:"variant,omitempty"`
		ImagePullSecret    string `json:"imagePullSecret,omitempty"`
		Artifact           string `json:"artifact,omitempty"`
		ArtifactPullSecret string `json:"artifactPullSecret,omitempty"`
	} `json:"distribution"`
	Components []string `json:"components,omitempty"`
	Cluster    *struct {
		Domain        string `json:"domain,omitempty"`
		Multitenant   bool   `json:"multitenant,omitempty"`
		NetworkPolicy bool   `json:"networkPolicy"`
		Type          string `json:"type,omitempty"`
		Size          string `json:"size,omitempty"`
	} `json:"cluster,omitempty"`
	Wait *bool `json:"wait,omitempty"`
	Sync *struct {
		Name       string `json:"name,omitempty"`
		Interval   string `json:"interval,omitempty"`
		Kind       string `json:"kind"`
		URL        string `json:"url"`
		Ref        string `json:"ref"`
		Path       string `json:"path"`
		PullSecret string `json:"pullSecret,omitempty"`
		Provider   string `json:"provider,omitempty"`
	} `json:"sync,omitempty"`
}

func shapeOf[S any]() func([]byte) error {
	return func(raw []byte) error { return yaml.UnmarshalStrict(raw, &shapeObject[S]{}) }
}

// shapes maps apiVersion/kind to the strict shape check for that kind.
var shapes = map[string]func([]byte) error{
	"external-secrets.io/v1/ExternalSecret":            shapeOf[externalSecretSpec](),
	"external-secrets.io/v1/SecretStore":               shapeOf[secretStoreSpec](),
	"external-secrets.io/v1/ClusterSecretStore":        shapeOf[secretStoreSpec](),
	"external-secrets.io/v1alpha1/PushSecret":          shapeOf[pushSecretSpec](),
	"generators.external-secrets.io/v1alpha1/Password": shapeOf[passwordSpec](),
	"elbv2.k8s.aws/v1beta1/IngressClassParams":         shapeOf[ingressClassParamsSpec](),
	"postgresql.cnpg.io/v1/Cluster":                    shapeOf[cnpgClusterSpec](),
	"k8s.mariadb.com/v1alpha1/MariaDB":                 shapeOf[mariaDBSpec](),
	"k8s.mariadb.com/v1alpha1/Database":                shapeOf[mariaDBDatabaseSpec](),
	"k8s.mariadb.com/v1alpha1/User":                    shapeOf[mariaDBUserSpec](),
	"k8s.mariadb.com/v1alpha1/Grant":                   shapeOf[mariaDBGrantSpec](),
	"fluxcd.controlplane.io/v1/FluxInstance":           shapeOf[fluxInstanceSpec](),
}

// checkShape decodes an object of a kind without a published Go type strictly into its shape.
func checkShape(apiVersion, kind string, raw []byte) error {
	check, ok := shapes[apiVersion+"/"+kind]
	if !ok {
		return fmt.Errorf("%s %s has neither a published Go type nor a shape in tests/conformance/gitops/shapes.go; add one from the project's API reference", apiVersion, kind)
	}
	return check(raw)
}
