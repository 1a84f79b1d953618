import * as fs from "node:fs";
import { isDeepStrictEqual } from "node:util";
import * as grpc from "@grpc/grpc-js";
import * as provider from "@pulumi/pulumi/provider";
import * as providerProto from "@pulumi/pulumi/proto/provider_pb";
import { JavaScriptValue, Struct } from "google-protobuf/google/protobuf/struct_pb";
import { isSecret, secret, unwrapSecrets } from "../../simulator/property-values";

/**
 * What the two stand-in resource providers share. The Pulumi engine that drives them is real;
 * the cloud is not: a resource exists only as the state these providers hand back.
 */

type Properties = Record<string, unknown>;

/** The type token and logical name in a URN, `urn:pulumi:<stack>::<project>::<parent types$><type>::<name>`. */
export function parseUrn(urn: string): { type: string; name: string } {
    const [, , qualifiedType = "", ...name] = urn.split("::");
    return { type: qualifiedType.split("$").pop() ?? "", name: name.join("::") };
}

/** What a stand-in did to a resource. */
export type Operation = "create" | "update" | "delete";

/** One line of the operation log. */
export interface LoggedOperation {
    readonly op: Operation;
    readonly type: string;
    readonly urn: string;
    readonly id: string;
}

/** Names the file the stand-ins append their operations to; unset, they log nothing. */
export const logFileVariable = "PULUMI_STANDIN_LOG";

/** Appends one JSON line for an operation: names and ids only, never a property value, so never key material. */
export function logOperation(op: Operation, urn: string, id: string): void {
    const file = process.env[logFileVariable];
    if (file) {
        const line: LoggedOperation = { op, type: parseUrn(urn).type, urn, id };
        // One write per line with O_APPEND: lines of both providers do not interleave.
        fs.appendFileSync(file, JSON.stringify(line) + "\n");
    }
}

/**
 * Output property naming the resource's input properties. The Node.js provider SDK hands diff
 * and update the old outputs only, where inputs and computed values sit side by side; this
 * tells a removed input from a computed output. (Terraform-bridged providers keep `__meta`
 * in outputs the same way.) It holds property names, never values.
 */
export const inputKeysProperty = "__standinInputs";

/**
 * The outputs a stand-in returns: the computed state, echoed inputs kept secret where they
 * came in secret (as real providers do), and the input names for the next diff.
 */
export function standinOutputs(inputs: Properties, state: Properties): Properties {
    const outputs: Properties = { ...state, [inputKeysProperty]: Object.keys(inputs) };
    for (const [key, value] of Object.entries(inputs)) {
        if (isSecret(value) && key in outputs) {
            outputs[key] = secret(outputs[key]);
        }
    }
    return outputs;
}

/**
 * The input properties whose value differs between the old outputs and the new inputs: every
 * new input, and every old one (a removed input differs too). Secrets compare by value; a value
 * unknown in preview differs from any old value.
 */
export function changedInputs(olds: Properties, news: Properties): string[] {
    const before = unwrapSecrets(olds);
    const after = unwrapSecrets(news);
    const keys = new Set<string>([...((before[inputKeysProperty] as string[] | undefined) ?? []), ...Object.keys(after)]);
    return [...keys].filter((key) => !isDeepStrictEqual(before[key], after[key]));
}

/** How the engine's wire format writes a value that is unknown until the update runs. */
export const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A stand-in that plans its updates for `pulumi preview`, as the real (bridged) provider does. */
export interface PreviewingProvider extends provider.Provider {
    /** The outputs an update will produce, with what it cannot know yet as unknowns. */
    planUpdate(urn: string, olds: Properties, news: Properties): Properties;
}

/** The old outputs and the new inputs of a diff or update request, as plain values. */
const olds = (request: providerProto.DiffRequest | providerProto.UpdateRequest): Properties => request.getOlds()?.toJavaScript() ?? {};
const news = (request: providerProto.DiffRequest | providerProto.UpdateRequest): Properties => request.getNews()?.toJavaScript() ?? {};

/**
 * Serves `impl` with `provider.main`, adding what @pulumi/pulumi's provider server leaves out
 * and real providers do: it says it supports previews (the engine then asks it to plan
 * creates and updates, instead of taking the new inputs as the planned outputs, which would
 * drop every computed output and mark every dependent as changed), answers planned creates
 * with their inputs and planned updates with `planUpdate`, and names the changed properties
 * of a diff, so the CLI shows why a resource changes. The server takes no hooks, so these are
 * wrapped around its handlers as it registers them.
 */
export function serve(impl: PreviewingProvider, args: string[]): Promise<void> {
    // Taken off the prototype to be called, with its server, from the replacement below.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const addService = grpc.Server.prototype.addService;
    grpc.Server.prototype.addService = function (service, handlers: grpc.UntypedServiceImplementation) {
        /** The SDK's handler of one unary call, with the request and response types of the call. */
        const handler = <Req, Res>(name: string) => handlers[name] as grpc.handleUnaryCall<Req, Res>;
        const configure = handler<providerProto.ConfigureRequest, providerProto.ConfigureResponse>("configure");
        const diff = handler<providerProto.DiffRequest, providerProto.DiffResponse>("diff");
        const create = handler<providerProto.CreateRequest, providerProto.CreateResponse>("create");
        const update = handler<providerProto.UpdateRequest, providerProto.UpdateResponse>("update");
        // The handlers are methods of the SDK's server object: inherit them, override four.
        const wrapped: grpc.UntypedServiceImplementation = Object.create(handlers) as grpc.UntypedServiceImplementation;
        wrapped.configure = ((call, callback) => configure.call(handlers, call, (error, response) => {
            response?.setSupportspreview(true);
            callback(error, response);
        })) satisfies typeof configure;
        wrapped.diff = ((call, callback) => diff.call(handlers, call, (error, response) => {
            response?.setDiffsList(changedInputs(olds(call.request), news(call.request)));
            callback(error, response);
        })) satisfies typeof diff;
        wrapped.create = ((call, callback) => {
            if (!call.request.getPreview()) {
                return create.call(handlers, call, callback);
            }
            const response = new providerProto.CreateResponse();
            response.setProperties(call.request.getProperties());
            callback(null, response);
        }) satisfies typeof create;
        wrapped.update = ((call, callback) => {
            if (!call.request.getPreview()) {
                return update.call(handlers, call, callback);
            }
            try {
                const response = new providerProto.UpdateResponse();
                const planned = impl.planUpdate(call.request.getUrn(), olds(call.request), news(call.request));
                response.setProperties(Struct.fromJavaScript(planned as Record<string, JavaScriptValue>));
                callback(null, response);
            } catch (error) {
                callback(error as grpc.ServerErrorResponse, null);
            }
        }) satisfies typeof update;
        return addService.call(this, service, wrapped);
    };
    return provider.main(impl, args);
}
