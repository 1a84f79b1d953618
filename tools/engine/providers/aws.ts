import { isDeepStrictEqual } from "node:util";
import { version } from "@pulumi/aws/package.json";
import { AwsMockContext, awsFunctions, awsResource, Props } from "../../simulator/aws";
import { unwrapSecrets } from "../../simulator/property-values";
import { changedInputs, inputKeysProperty, logOperation, parseUrn, PreviewingProvider, serve, standinOutputs, unknownValue } from "./stand-in";

/**
 * A stand-in for the pulumi-aws resource provider, for the real Pulumi engine: every `aws:`
 * resource is accepted, echoes its inputs and gets the outputs the AWS mocks compute (ids, ARNs,
 * object versions). Nothing reaches AWS. Updates are made in place.
 */

/**
 * The region the resources are in. The Node.js provider SDK answers Configure itself and passes
 * no config on, so `aws:region` never arrives here: the region comes from the environment, where
 * the real provider looks when it is not configured.
 */
function context(previous?: Props): AwsMockContext {
    return { region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1", previous };
}

export const awsProvider: PreviewingProvider = {
    version,

    async diff(_id, _urn, olds, news) {
        return { changes: changedInputs(olds, news).length > 0 };
    },

    async create(urn, inputs) {
        const { type, name } = parseUrn(urn);
        const { id, state } = awsResource(type, name, unwrapSecrets(inputs), context());
        logOperation("create", urn, id);
        return { id, outs: standinOutputs(inputs, state) };
    },

    async update(id, urn, olds, news) {
        const { type, name } = parseUrn(urn);
        const { state } = awsResource(type, name, unwrapSecrets(news), context(unwrapSecrets(olds)));
        logOperation("update", urn, id);
        return { outs: standinOutputs(news, state) };
    },

    /**
     * What an update will return: the inputs, and each computed output the update would compute
     * as before (ids, ARNs) or, where it would change (an object's versionId), unknown.
     */
    planUpdate(urn, olds, news) {
        const { type, name } = parseUrn(urn);
        const before = unwrapSecrets(olds);
        const planned = standinOutputs(news, awsResource(type, name, unwrapSecrets(news), context(before)).state);
        const inputs = new Set(Object.keys(news));
        for (const key of Object.keys(planned)) {
            if (!inputs.has(key) && key !== inputKeysProperty && !isDeepStrictEqual(planned[key], before[key])) {
                planned[key] = unknownValue;
            }
        }
        return planned;
    },

    async delete(id, urn) {
        logOperation("delete", urn, id);
    },

    async invoke(token, args) {
        const answer = awsFunctions[token];
        if (!answer) {
            throw new Error(`the aws stand-in provider does not model the function ${token}; it answers ${Object.keys(awsFunctions).join(", ")} (add it to awsFunctions in tools/simulator/aws.ts)`);
        }
        return { outputs: answer(unwrapSecrets(args), context()) };
    },
};

if (require.main === module) {
    void serve(awsProvider, process.argv.slice(2));
}
