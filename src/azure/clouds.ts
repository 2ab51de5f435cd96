// The Azure clouds a credential may belong to, with their Entra ID authority and ARM endpoint.
// A namespace's credential names its cloud (issue 23: "a tenant's authority and cloud per
// credential"); only these well-known endpoints are ever used, so a team cannot point the
// operator at a URL of its choosing. Sources: Microsoft Learn, "National clouds" (authentication
// endpoints) and "Azure Government developer guide" / "Azure China developer guide" (ARM endpoints).
export const AZURE_CLOUDS = {
  AzurePublicCloud: {
    authorityHost: 'https://login.microsoftonline.com',
    armEndpoint: 'https://management.azure.com',
  },
  AzureUSGovernment: {
    authorityHost: 'https://login.microsoftonline.us',
    armEndpoint: 'https://management.usgovcloudapi.net',
  },
  AzureChinaCloud: {
    authorityHost: 'https://login.chinacloudapi.cn',
    armEndpoint: 'https://management.chinacloudapi.cn',
  },
} as const;

export type AzureCloudName = keyof typeof AZURE_CLOUDS;

export const AZURE_CLOUD_NAMES = Object.keys(AZURE_CLOUDS) as AzureCloudName[];

export function isAzureCloudName(name: string): name is AzureCloudName {
  return (AZURE_CLOUD_NAMES as string[]).includes(name);
}
