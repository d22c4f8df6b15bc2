/**
 * The services the CLI reaches besides the registration service, each at a URL of its own. There is no default:
 * they are often elsewhere than the registration service, and a guessed URL would send the key to whatever answers.
 */
export const SERVICE_ENDPOINTS = {
  token: {
    setting: 'tokenEndpoint',
    option: '--token-endpoint',
    environment: 'TESSERA_TOKEN_ENDPOINT',
    example: 'http://localhost:3003',
    commands: 'the token and signing-key commands',
  },
  pins: {
    setting: 'pinsEndpoint',
    option: '--pins-endpoint',
    environment: 'TESSERA_PINS_ENDPOINT',
    example: 'http://localhost:3004',
    commands: 'the pins commands',
  },
} as const;
export type EndpointService = keyof typeof SERVICE_ENDPOINTS;
export const ENDPOINT_SERVICES = Object.keys(SERVICE_ENDPOINTS) as EndpointService[];
