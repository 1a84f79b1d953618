import * as crypto from "node:crypto";
import * as provider from "@pulumi/pulumi/provider";
import { version } from "@pulumi/tls/package.json";
import { unwrapSecrets } from "../../mocks/propertyvalues";
import { tlsResources } from "../../mocks/tls";
import { changedInputs, logOperation, parseUrn, standinOutputs } from "./standin";

/**
 * A stand-in for the pulumi-tls resource provider, for the real Pulumi engine: it makes real
 * keys and certificates with the same code as the tls mocks. Private keys are returned as
 * plain outputs, as the real provider returns them: the @pulumi/tls SDK asks the engine to keep
 * them secret (additionalSecretOutputs), and the engine test proves that it does.
 */

const sha1Hex = (text: string) => crypto.createHash("sha1").update(text).digest("hex");

/** The ids the real provider gives: a hash of the public key or request PEM, a certificate's serial in decimal. */
const resourceIds: Record<string, (state: Record<string, any>) => string> = {
    "tls:index/privateKey:PrivateKey": (state) => sha1Hex(state.publicKeyPem),
    "tls:index/certRequest:CertRequest": (state) => sha1Hex(state.certRequestPem),
    "tls:index/selfSignedCert:SelfSignedCert": (state) => serialOf(state.certPem),
    "tls:index/locallySignedCert:LocallySignedCert": (state) => serialOf(state.certPem),
};

function serialOf(certPem: string): string {
    return BigInt(`0x${new crypto.X509Certificate(certPem).serialNumber}`).toString();
}

export const tlsProvider: provider.Provider = {
    version,

    // Every input of these resources forces a replacement in the real provider.
    async diff(_id, _urn, olds, news) {
        const replaces = changedInputs(olds, news);
        return { changes: replaces.length > 0, replaces };
    },

    async create(urn, inputs) {
        const { type } = parseUrn(urn);
        const make = tlsResources[type];
        if (!make) {
            throw new Error(`the tls stand-in provider does not model ${type}; it makes ${Object.keys(tlsResources).join(", ")} (add it to tlsResources in mocks/tls.ts)`);
        }
        const state = await make(unwrapSecrets(inputs));
        const id = resourceIds[type](state);
        logOperation("create", urn, id);
        return { id, outs: standinOutputs(inputs, state) };
    },

    async delete(id, urn) {
        logOperation("delete", urn, id);
    },
};

if (require.main === module) {
    provider.main(tlsProvider, process.argv.slice(2));
}
