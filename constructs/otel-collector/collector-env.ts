/** Environment variables the collector pod template sets from the downward API. */
export const COLLECTOR_ENV = { podIp: 'POD_IP', nodeName: 'K8S_NODE_NAME' } as const;
