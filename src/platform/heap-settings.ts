import { setFlagsFromString } from "node:v8";

// Imported first by src/main.ts, before any other module allocates. Startup's long-lived objects lead V8 to
// pretenure allocation sites the request path shares, so every request's short-lived objects then go
// straight to the old generation and cost major collections; without it the young generation frees them.
setFlagsFromString("--no-allocation-site-pretenuring");
