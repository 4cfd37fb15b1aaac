import { podConnectSubresources } from '../apiserver/streaming/pod-connect.js';
import type { AgentClientTls } from '../apiserver/streaming/upgrade-proxy.js';
import { signClientCertificate } from '../pki/cluster-pki.js';
import type { ServerComponent } from './component.js';

/** The identity the API server presents to agents, as in Kubernetes (and k3s). */
export const AGENT_CLIENT_SUBJECT = { commonName: 'kube-apiserver-kubelet-client', organizations: ['system:masters'] };

/**
 * `pods/exec`, `pods/attach`, `pods/portforward`: proxied to the agent of the pod's node with
 * a client certificate the component issues from the cluster CA when it starts.
 */
export function podStreamingComponent(): ServerComponent {
  let creds: AgentClientTls | undefined;
  return {
    name: 'pod-streaming',
    subresources: podConnectSubresources(() => creds),
    async start(ctx) {
      const pair = await signClientCertificate(ctx.pki, { ...AGENT_CLIENT_SUBJECT, now: new Date(ctx.clock.now()) });
      creds = { caCertPem: ctx.pki.caCertPem, ...pair };
    },
  };
}
