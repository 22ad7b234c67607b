// @types/react-dom is not installed; this declares the one function the playground uses.
declare module "react-dom/client" {
  import type { ReactNode } from "react";
  export function createRoot(container: Element): { render(children: ReactNode): void; unmount(): void };
}
