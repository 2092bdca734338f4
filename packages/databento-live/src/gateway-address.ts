import { InvalidSettingsError } from '@lb/core';

/** The live gateway port: the same for every dataset. */
export const DATABENTO_LIVE_PORT = 13000;

/** A TCP address. */
export interface GatewayAddress {
  readonly host: string;
  readonly port: number;
}

/** `GLBX.MDP3` -> `glbx-mdp3.lsg.databento.com:13000`: lower case, dots to dashes, fixed port. */
export function gatewayForDataset(dataset: string): GatewayAddress {
  return {
    host: `${dataset.toLowerCase().replace(/\./g, '-')}.lsg.databento.com`,
    port: DATABENTO_LIVE_PORT,
  };
}

/**
 * Parses `host:port` (the `gateway` setting or `DATABENTO_LIVE_GATEWAY`).
 * @throws InvalidSettingsError naming the expected form.
 */
export function parseGatewayAddress(text: string, origin: string): GatewayAddress {
  const match = /^\s*(\[[^\]]+\]|[^:\s]+):(\d{1,5})\s*$/.exec(text);
  const port = match === null ? Number.NaN : Number(match[2]);
  if (match === null || port < 1 || port > 65535) {
    throw new InvalidSettingsError(
      `Invalid Databento live gateway ${JSON.stringify(text)} (${origin}): use host:port, e.g. 127.0.0.1:13000.`,
      { issues: [{ path: origin, message: 'must be host:port' }] },
    );
  }
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
}

/** The `gateway` setting, else `DATABENTO_LIVE_GATEWAY`, else the dataset's own gateway. */
export function resolveGateway(input: {
  dataset: string;
  gateway?: string;
  env: Readonly<Record<string, string | undefined>>;
}): GatewayAddress {
  if (input.gateway !== undefined) return parseGatewayAddress(input.gateway, 'gateway');
  const fromEnv = input.env.DATABENTO_LIVE_GATEWAY?.trim();
  if (fromEnv) return parseGatewayAddress(fromEnv, 'DATABENTO_LIVE_GATEWAY');
  return gatewayForDataset(input.dataset);
}
