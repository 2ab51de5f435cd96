{{/* Names: every cluster-scoped object carries the release's full name, so several
releases (shards) of the chart coexist in one cluster. */}}
{{- define "logicops.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "logicops.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else if contains (include "logicops.name" .) .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "logicops.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "logicops.selectorLabels" -}}
app.kubernetes.io/name: {{ include "logicops.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "logicops.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "logicops.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: logicops
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "logicops.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "logicops.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The subject of the federated credential workload identity needs: this release's ServiceAccount. */}}
{{- define "logicops.federatedSubject" -}}
system:serviceaccount:{{ .Release.Namespace }}:{{ include "logicops.serviceAccountName" . }}
{{- end }}

{{- define "logicops.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag -}}
{{- if .Values.image.digest -}}
{{ .Values.image.repository }}@{{ .Values.image.digest }}
{{- else -}}
{{ .Values.image.repository }}:{{ $tag }}
{{- end -}}
{{- end }}

{{/* The lease is per release: two shards in one namespace must not elect one leader. */}}
{{- define "logicops.leaseName" -}}
{{- default (printf "%s-leader" (include "logicops.fullname" .)) .Values.leaderElection.leaseName }}
{{- end }}
