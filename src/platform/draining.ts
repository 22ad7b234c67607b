/**
 * Set at the first shutdown signal: `/health/ready` answers 503 and every response asks its client to
 * close the connection, so load balancers and keep-alive clients move to another replica.
 */
export interface Draining {
  readonly active: boolean;
  begin(): void;
}

export function createDraining(): Draining {
  let active = false;
  return {
    get active() {
      return active;
    },
    begin() {
      active = true;
    },
  };
}
