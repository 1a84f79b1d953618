// The one entry point to @peculiar/x509: it needs a Reflect polyfill loaded first and a
// WebCrypto provider set once, so every module imports X.509 from here.
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as Crypto);

export { x509 };
