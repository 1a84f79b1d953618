import { isDeepStrictEqual } from "node:util";
import { version } from "@pulumi/aws/package.json";
import { AwsMockContext, awsFunctions, awsResource, Props } from "../../simulator/aws";
import { replacedBy } from "../../simulator/aws-rules";
import { unwrapSecrets } from "../../simulator/property-values";
import { applyCreateOrUpdate, applyDelete } from "./cloud";
import { changedInputs, inputKeysProperty, logOperation, parseUrn, PreviewingProvider, serve, standinOutputs, unknownValue } from "./stand-in";

/**
 * A stand-in for the pulumi-aws resource provider, for the real Pulumi engine: an `aws:` resource
 * echoes its inputs and gets the outputs the AWS mocks compute (ids, ARNs, object versions), after
 * the checks AWS and the provider make (tools/simulator/aws-rules.ts). A change of an input the
 * provider marks ForceNew replaces the resource, in the order the engine chooses; the shared
 * account (./cloud.ts) refuses a second holder of a unique name, and deletes do what the
 * provider's deletes do. Nothing reaches AWS.
 */

/**
 * The region the resources are in. The Node.js provider SDK answers Configure itself and passes
 * no config on, so `aws:region` never arrives here: the region comes from the environment, where
 * the real provider looks when it is not configured.
 */
function context(urn: string, previous?: Props): AwsMockContext {
    return { region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1", previous, scope: stackOf(urn) };
}

/** The stack in a URN, `urn:pulumi:<stack>::...`. */
function stackOf(urn: string): string {
    return urn.split("::")[0].replace(/^urn:pulumi:/, "");
}

export const awsProvider: PreviewingProvider = {
    version,

    async diff(_id, urn, olds, news) {
        const changed = changedInputs(olds, news);
        const replaces = replacedBy(parseUrn(urn).type, changed, unwrapSecrets(olds), unwrapSecrets(news));
        return { changes: changed.length > 0, ...(replaces.length > 0 ? { replaces } : {}) };
    },

    async create(urn, inputs) {
        const { type, name } = parseUrn(urn);
        const plain = unwrapSecrets(inputs);
        const { id, state } = awsResource(type, name, plain, context(urn));
        applyCreateOrUpdate({ type, name, urn, id, inputs: plain, state });
        logOperation("create", urn, id);
        return { id, outs: standinOutputs(inputs, state) };
    },

    async update(id, urn, olds, news) {
        const { type, name } = parseUrn(urn);
        const plain = unwrapSecrets(news);
        const previous = unwrapSecrets(olds);
        const { state } = awsResource(type, name, plain, context(urn, previous));
        applyCreateOrUpdate({ type, name, urn, id, inputs: plain, state, previous });
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
        const planned = standinOutputs(news, awsResource(type, name, unwrapSecrets(news), context(urn, before)).state);
        const inputs = new Set(Object.keys(news));
        for (const key of Object.keys(planned)) {
            if (!inputs.has(key) && key !== inputKeysProperty && !isDeepStrictEqual(planned[key], before[key])) {
                planned[key] = unknownValue;
            }
        }
        return planned;
    },

    async delete(id, urn, props: Props) {
        const { type, name } = parseUrn(urn);
        const state = unwrapSecrets(props);
        applyDelete({ type, name, urn, id, inputs: state, state, previous: state });
        logOperation("delete", urn, id);
    },

    async invoke(token, args) {
        const answer = awsFunctions[token];
        if (!answer) {
            throw new Error(`the aws stand-in provider does not model the function ${token}; it answers ${Object.keys(awsFunctions).join(", ")} (add it to awsFunctions in tools/simulator/aws.ts)`);
        }
        return { outputs: answer(unwrapSecrets(args), { region: context("").region }) };
    },
};

if (require.main === module) {
    void serve(awsProvider, process.argv.slice(2));
}
