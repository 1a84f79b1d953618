import * as crypto from "node:crypto";
import * as provider from "@pulumi/pulumi/provider";
import { version } from "@pulumi/tls/package.json";
import { unwrapSecrets } from "../../simulator/property-values";
import { resourceTypes } from "../../../core/resource-types";
import { CertRequestState, CertState, PrivateKeyState, tlsResource } from "../../simulator/tls";
import { changedInputs, logOperation, parseUrn, standinOutputs } from "./stand-in";

/**
 * A stand-in for the pulumi-tls resource provider, for the real Pulumi engine: it makes real
 * keys and certificates with the same code as the tls mocks. Private keys are returned as
 * plain outputs, as the real provider returns them: the @pulumi/tls SDK asks the engine to keep
 * them secret (additionalSecretOutputs), and the engine test proves that it does.
 */

const sha1Hex = (text: string) => crypto.createHash("sha1").update(text).digest("hex");

/** The ids the real provider gives: a hash of the public key or request PEM, a certificate's serial in decimal. */
const resourceIds: Record<string, (state: Partial<PrivateKeyState & CertRequestState & CertState>) => string> = {
    [resourceTypes.tlsPrivateKey]: (state) => sha1Hex(String(state.publicKeyPem)),
    [resourceTypes.tlsCertRequest]: (state) => sha1Hex(String(state.certRequestPem)),
    [resourceTypes.tlsSelfSignedCert]: (state) => serialOf(String(state.certPem)),
    [resourceTypes.tlsLocallySignedCert]: (state) => serialOf(String(state.certPem)),
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
        const state = await tlsResource(type, unwrapSecrets(inputs));
        const id = resourceIds[type](state);
        logOperation("create", urn, id);
        return { id, outs: standinOutputs(inputs, state) };
    },

    async delete(id, urn) {
        logOperation("delete", urn, id);
    },
};

if (require.main === module) {
    void provider.main(tlsProvider, process.argv.slice(2));
}
