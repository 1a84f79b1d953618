import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { resourceTypes as types } from "../../../core/resource-types";
import { AwsRefusal } from "../../simulator/aws-rules";
import type { Props } from "../../simulator/aws";

/**
 * The stand-in cloud: one AWS account and region shared by every stack of a backend, as the real
 * one is. It holds what AWS keeps beside the resources a stack owns and what one stack can see of
 * another's: the API Gateway account setting, names that must be unique (SSM parameters, custom
 * domains, log groups, buckets, roles), objects and their versions, and which usage plan holds a
 * key on each stage. It lives in a file in the state backend's folder, so that two stacks, each
 * with its own provider process, see the same account; stacks of one backend run one at a time.
 */
export interface CloudState {
    /** API Gateway's account setting: the role stages write logs with, or null when reset. */
    apigatewayAccount: { cloudwatchRoleArn: string | null };
    /** Physical names in use, by kind, each with the URN of the resource that holds it. */
    names: Record<string, Record<string, string>>;
    /** Buckets: versioning status and each key's versions, oldest first. */
    buckets: Record<string, { versioning: "Enabled" | "Suspended" | "Off"; objects: Record<string, string[]> }>;
    /** Each usage plan's stages, `apiId/stage`. */
    planStages: Record<string, string[]>;
    /** Which plan holds a key on a stage: `apiId/stage/keyId` to plan id. */
    planKeys: Record<string, string>;
}

const emptyState = (): CloudState => ({ apigatewayAccount: { cloudwatchRoleArn: null }, names: {}, buckets: {}, planStages: {}, planKeys: {} });

/** The state file beside a file backend's stacks (`PULUMI_BACKEND_URL=file://<dir>`); undefined for other backends. */
export function cloudFile(env: NodeJS.ProcessEnv = process.env): string | undefined {
    const url = env.PULUMI_BACKEND_URL;
    return url?.startsWith("file://") ? path.join(fileURLToPath(url), ".standin-cloud.json") : undefined;
}

// Without a file backend (a provider driven in-process by a test), the account lives in memory.
let inMemory = emptyState();

/** Reads the cloud, lets `change` act on it, and writes it back; synchronous, so no two calls of one process interleave. */
export function withCloud<T>(change: (state: CloudState) => T): T {
    const file = cloudFile();
    const state = file === undefined ? inMemory : (fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) as CloudState : emptyState());
    const result = change(state);
    if (file === undefined) {
        inMemory = state;
    } else {
        fs.writeFileSync(`${file}.tmp`, JSON.stringify(state));
        fs.renameSync(`${file}.tmp`, file);
    }
    return result;
}

/** Forgets the in-memory cloud (tests that drive the provider in-process). */
export function resetInMemoryCloud(): void {
    inMemory = emptyState();
}

/** What an operation touches: the resource's type, name and URN, its inputs (news) and outputs (state). */
export interface CloudOperation {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    /** The resource's id (a usage plan's is what its plan keys name). */
    readonly id: string;
    readonly inputs: Props;
    readonly state: Props;
    /** The outputs before an update or delete. */
    readonly previous?: Props;
}

/**
 * Names AWS keeps unique per account and region, by type: the input that holds the name and the
 * error AWS gives a second resource of that name. Only names set in the inputs count: Pulumi's
 * auto-names differ per resource.
 */
const uniqueNames: Readonly<Record<string, { readonly input: string; readonly error: string }>> = {
    // parameter.go creates with Overwrite=false (shouldUpdateParameter is false for a new resource): AWS answers ParameterAlreadyExists.
    [types.ssmParameter]: { input: "name", error: "ParameterAlreadyExists: the parameter already exists" },
    // A custom domain name is one per account and region (domain_name.go: domain_name is the id).
    [types.apigatewayDomainName]: { input: "domainName", error: "BadRequestException: the domain name is already in use in this account and region" },
    // CreateLogGroup: ResourceAlreadyExistsException.
    [types.cloudwatchLogGroup]: { input: "name", error: "ResourceAlreadyExistsException: the specified log group already exists" },
    // CreateBucket in the owner's region: BucketAlreadyOwnedByYou.
    [types.s3Bucket]: { input: "bucket", error: "BucketAlreadyOwnedByYou: the bucket already exists" },
    // CreateRole: EntityAlreadyExists.
    [types.iamRole]: { input: "name", error: "EntityAlreadyExists: a role with this name already exists" },
    // CreateFunction: ResourceConflictException.
    [types.lambdaFunction]: { input: "name", error: "ResourceConflictException: the function already exists" },
};

function refuse(op: CloudOperation, message: string): never {
    throw new AwsRefusal(op.type, op.name, message);
}

/** Stage logging needs the account's role (rest-api-execution-logging.html: the CloudWatch role is set once per account and region). */
function requireLoggingRole(state: CloudState, op: CloudOperation): void {
    if (state.apigatewayAccount.cloudwatchRoleArn === null) {
        refuse(op, "BadRequestException: CloudWatch Logs role ARN must be set in account settings to enable logging");
    }
}

/** A resource is made, or updated in place (`op.previous` set): the cloud applies it or refuses. */
export function applyCreateOrUpdate(op: CloudOperation): void {
    withCloud((state) => {
        const unique = uniqueNames[op.type];
        const physical = unique ? op.inputs[unique.input] : undefined;
        if (unique && typeof physical === "string") {
            const holders = (state.names[op.type] ??= {});
            const holder = holders[physical];
            if (holder !== undefined && holder !== op.urn) {
                refuse(op, `${unique.error} (${physical}, held by ${holder})`);
            }
            if (holder === op.urn && op.previous === undefined) {
                // The same resource made again while its old self still exists: a create-before-delete replacement.
                refuse(op, `${unique.error} (${physical}: the resource it replaces still holds it)`);
            }
            holders[physical] = op.urn;
        }
        switch (op.type) {
            case types.apigatewayAccount:
                state.apigatewayAccount.cloudwatchRoleArn = typeof op.inputs.cloudwatchRoleArn === "string" && op.inputs.cloudwatchRoleArn !== "" ? op.inputs.cloudwatchRoleArn : null;
                return;
            case types.apigatewayStage:
                if (op.inputs.accessLogSettings !== undefined) {
                    requireLoggingRole(state, op);
                }
                return;
            case types.apigatewayMethodSettings: {
                const settings = op.inputs.settings as { loggingLevel?: string } | undefined;
                if (settings?.loggingLevel !== undefined && settings.loggingLevel !== "OFF") {
                    requireLoggingRole(state, op);
                }
                return;
            }
            case types.s3Bucket:
                state.buckets[String(op.state.bucket)] ??= { versioning: "Off", objects: {} };
                return;
            case types.s3BucketVersioning: {
                const bucket = state.buckets[String(op.inputs.bucket)];
                const status = (op.inputs.versioningConfiguration as { status?: string } | undefined)?.status;
                if (bucket && (status === "Enabled" || status === "Suspended")) {
                    bucket.versioning = status;
                }
                return;
            }
            case types.s3BucketObjectv2: {
                const bucket = state.buckets[String(op.inputs.bucket)];
                if (bucket) {
                    const versions = (bucket.objects[String(op.inputs.key)] ??= []);
                    const version = bucket.versioning === "Enabled" ? String(op.state.versionId) : "null";
                    if (versions[versions.length - 1] !== version) {
                        versions.push(version);
                    }
                }
                return;
            }
            case types.apigatewayDomainName:
                checkTruststore(state, op);
                return;
            case types.apigatewayUsagePlan:
                state.planStages[op.id] = ((op.inputs.apiStages as { apiId?: string; stage?: string }[] | undefined) ?? []).map((s) => `${s.apiId}/${s.stage}`);
                return;
            case types.apigatewayUsagePlanKey: {
                const planId = String(op.inputs.usagePlanId);
                const keyId = String(op.inputs.keyId);
                for (const stage of state.planStages[planId] ?? []) {
                    const slot = `${stage}/${keyId}`;
                    const holder = state.planKeys[slot];
                    // AWS refuses a key in two usage plans of one stage (the error's wording is not confirmed).
                    if (holder !== undefined && holder !== planId) {
                        refuse(op, `ConflictException: API key ${keyId} is already in usage plan ${holder} on stage ${stage}`);
                    }
                    state.planKeys[slot] = planId;
                }
                return;
            }
            default:
                return;
        }
    });
}

/**
 * API Gateway reads the truststore object, at the pinned version, when the domain is made or
 * updated: a bucket, key or version that is not there fails the call. Only buckets this cloud
 * knows are checked.
 */
function checkTruststore(state: CloudState, op: CloudOperation): void {
    const tls = op.inputs.mutualTlsAuthentication as { truststoreUri?: string; truststoreVersion?: string } | undefined;
    const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(tls?.truststoreUri ?? "");
    const bucket = match ? state.buckets[match[1]] : undefined;
    if (!match || !bucket) {
        return;
    }
    const versions = bucket.objects[match[2]] ?? [];
    if (versions.length === 0) {
        refuse(op, `BadRequestException: the truststore ${tls?.truststoreUri} does not exist`);
    }
    if (tls?.truststoreVersion !== undefined && !versions.includes(tls.truststoreVersion)) {
        refuse(op, `BadRequestException: the truststore ${tls.truststoreUri} has no version ${tls.truststoreVersion}`);
    }
}

/** A resource is deleted: the cloud does what the provider's delete does. */
export function applyDelete(op: CloudOperation): void {
    withCloud((state) => {
        const unique = uniqueNames[op.type];
        const physical = unique ? op.state[unique.input] : undefined;
        if (unique && typeof physical === "string" && state.names[op.type]?.[physical] === op.urn) {
            delete state.names[op.type][physical];
        }
        switch (op.type) {
            case types.apigatewayAccount:
                // account.go (v6) Delete: UpdateAccount replace /cloudwatchRoleArn with nothing (TPA PR 42226).
                state.apigatewayAccount.cloudwatchRoleArn = null;
                return;
            case types.s3BucketVersioning: {
                // bucket_versioning.go Delete: "to 'remove' this resource, we suspend versioning".
                const bucket = state.buckets[String(op.state.bucket)];
                if (bucket && bucket.versioning === "Enabled") {
                    bucket.versioning = "Suspended";
                }
                return;
            }
            case types.s3BucketObjectv2: {
                // object.go Delete: with a version_id in state, deleteAllObjectVersions of the key.
                const bucket = state.buckets[String(op.state.bucket)];
                const key = String(op.state.key);
                if (bucket) {
                    if (op.state.versionId !== undefined && op.state.versionId !== "") {
                        delete bucket.objects[key];
                    } else {
                        bucket.objects[key]?.pop();
                    }
                }
                return;
            }
            case types.s3Bucket: {
                const name = String(op.state.bucket);
                const bucket = state.buckets[name];
                // DeleteBucket: BucketNotEmpty, unless force_destroy empties it first (bucket.go).
                if (bucket && Object.keys(bucket.objects).length > 0 && op.state.forceDestroy !== true) {
                    refuse(op, "BucketNotEmpty: the bucket you tried to delete is not empty");
                }
                delete state.buckets[name];
                return;
            }
            case types.apigatewayUsagePlan:
                delete state.planStages[op.id];
                return;
            case types.apigatewayUsagePlanKey:
                for (const [slot, plan] of Object.entries(state.planKeys)) {
                    if (plan === op.state.usagePlanId && slot.endsWith(`/${String(op.state.keyId)}`)) {
                        delete state.planKeys[slot];
                    }
                }
                return;
            default:
                return;
        }
    });
}

/** The cloud as it is now (a copy), for tests. */
export function readCloud(): CloudState {
    return withCloud((state) => JSON.parse(JSON.stringify(state)) as CloudState);
}
