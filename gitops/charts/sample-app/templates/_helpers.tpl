{{/* Chart name, overridable. */}}
{{- define "sample-app.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: the release name, suffixed with the chart name unless the release already contains it. */}}
{{- define "sample-app.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "sample-app.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every object. */}}
{{- define "sample-app.labels" -}}
helm.sh/chart: {{ include "sample-app.chart" . }}
{{ include "sample-app.selectorLabels" . }}
app.kubernetes.io/version: {{ include "sample-app.imageTag" . | trunc 63 | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: bkt-platform
{{- end }}

{{/* Labels that select the pods; they never change after the first install. */}}
{{- define "sample-app.selectorLabels" -}}
app.kubernetes.io/name: {{ include "sample-app.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Labels of the Helm test pod: distinct from the selector labels, so that the Service and
the app's NetworkPolicy never select it. */}}
{{- define "sample-app.testLabels" -}}
app.kubernetes.io/name: {{ include "sample-app.name" . }}-test
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: test
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ include "sample-app.chart" . }}
{{- end }}

{{- define "sample-app.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "sample-app.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "sample-app.imageTag" -}}
{{- default .Chart.AppVersion .Values.image.tag }}
{{- end }}

{{- define "sample-app.image" -}}
{{- printf "%s:%s" .Values.image.repository (include "sample-app.imageTag" .) }}
{{- end }}

{{/* Standard port of the configured database, unless networkPolicy.egress.database.port sets one. */}}
{{- define "sample-app.databasePort" -}}
{{- $db := .Values.networkPolicy.egress.database }}
{{- if $db.port }}{{ $db.port }}{{ else if eq .Values.database.type "mysql" }}3306{{ else }}27017{{ end }}
{{- end }}

{{/* The Vault agent template that renders the connection string file. */}}
{{- define "sample-app.vaultTemplate" -}}
{{- if .Values.vault.template }}
{{- .Values.vault.template }}
{{- else }}
{{- printf "{{- with secret %q -}}{{ .Data.data.%s }}{{- end -}}" .Values.vault.secretPath .Values.vault.secretKey }}
{{- end }}
{{- end }}

{{/* Settings the schema cannot express across keys. */}}
{{- define "sample-app.validate" -}}
{{- if and (ne .Values.database.type "memory") (not .Values.vault.enabled) }}
{{- fail (printf "database.type=%s needs vault.enabled=true: the connection string is rendered by the Vault agent, never set in values" .Values.database.type) }}
{{- end }}
{{- end }}
