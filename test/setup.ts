import { ready } from "../src/index.js";

// Sessions run synchronously once the backend (wasm by default) has loaded.
await ready();
