// The SSM endpoint local mode gives its functions, so that they never reach AWS: GetParameter and
// GetParameters in the AWS JSON 1.1 protocol (POST, `X-Amz-Target: AmazonSSM.GetParameter`), answered from the
// stack's aws.ssm.Parameter resources, on 127.0.0.1 only, to callers that sign with the
// throwaway credentials of this run (the functions' environment holds them). Requests are
// bounded in size, time and number, as any server local mode runs.
import { randomBytes } from "node:crypto";
import * as http from "node:http";
import type * as net from "node:net";
import { getParametersMaxNames } from "../../core/authorizer/decision";
import type { ParameterModel } from "./domain-model";

/** Credentials that only this endpoint accepts, for the functions' AWS_ACCESS_KEY_ID and so on. */
export interface LocalCredentials {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken: string;
}

export interface SsmEndpoint {
    /** `http://127.0.0.1:<port>`, for AWS_ENDPOINT_URL_SSM. */
    readonly url: string;
    readonly credentials: LocalCredentials;
    /** Stops listening and closes every connection. */
    stop(): Promise<void>;
}

export interface SsmEndpointOptions {
    /** One line per refused or failed request; never a parameter's value. */
    readonly log?: (line: string) => void;
}

const MAX_BODY_BYTES = 64 * 1024;
const MAX_CONNECTIONS = 64;
const TIMEOUT_MS = 5_000;
const STOP_TIMEOUT_MS = 3_000;

interface Answer {
    readonly status: number;
    readonly body: Record<string, unknown>;
}

function error(type: string, message: string): Answer {
    return { status: 400, body: { __type: type, message } };
}

/** The parameter `name` names: its name, its ARN, or either with `:<version>`. Exported for testing. */
export function findParameter(parameters: readonly ParameterModel[], name: string): ParameterModel | undefined {
    const exact = parameters.find((p) => p.name === name || p.arn === name);
    if (exact) {
        return exact;
    }
    const versioned = /^(.*):(\d+)$/.exec(name);
    return versioned ? parameters.find((p) => (p.name === versioned[1] || p.arn === versioned[1]) && p.version === Number(versioned[2])) : undefined;
}

/** A parameter as GetParameter and GetParameters return it; without decryption SSM returns a SecureString's ciphertext, which no caller can use here. */
function parameterAnswer(parameter: ParameterModel, decrypt: unknown): Record<string, unknown> {
    const value = parameter.type === "SecureString" && decrypt !== true ? randomBytes(48).toString("base64") : parameter.value;
    return {
        Name: parameter.name,
        Type: parameter.type,
        Value: value,
        Version: parameter.version,
        ARN: parameter.arn,
        DataType: "text",
        LastModifiedDate: 0,
    };
}

function getParameter(parameters: readonly ParameterModel[], input: unknown): Answer {
    const { Name: name, WithDecryption: decrypt } = (input ?? {}) as { Name?: unknown; WithDecryption?: unknown };
    if (typeof name !== "string" || name === "") {
        return error("ValidationException", "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null");
    }
    const parameter = findParameter(parameters, name);
    if (!parameter) {
        return error("ParameterNotFound", "");
    }
    return { status: 200, body: { Parameter: parameterAnswer(parameter, decrypt) } };
}

/**
 * GetParameters: 1 to `getParametersMaxNames` names; a name it does not know is listed in
 * InvalidParameters, not an error; the parameters come in alphabetical order.
 */
function getParameters(parameters: readonly ParameterModel[], input: unknown): Answer {
    const { Names: names, WithDecryption: decrypt } = (input ?? {}) as { Names?: unknown; WithDecryption?: unknown };
    if (!Array.isArray(names) || names.length < 1 || names.length > getParametersMaxNames || !names.every((name) => typeof name === "string" && name !== "")) {
        return error("ValidationException", `1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length less than or equal to ${getParametersMaxNames} and greater than or equal to 1`);
    }
    const found = names.map((name: string) => ({ name, parameter: findParameter(parameters, name) }));
    return {
        status: 200,
        body: {
            Parameters: found.flatMap(({ parameter }) => (parameter ? [parameterAnswer(parameter, decrypt)] : [])).sort((a, b) => String(a.Name).localeCompare(String(b.Name))),
            InvalidParameters: found.filter(({ parameter }) => !parameter).map(({ name }) => name),
        },
    };
}

const operations: Readonly<Record<string, (parameters: readonly ParameterModel[], input: unknown) => Answer>> = {
    "AmazonSSM.GetParameter": getParameter,
    "AmazonSSM.GetParameters": getParameters,
};

/** The access key id a SigV4 Authorization header names. */
function accessKeyOf(authorization: string | undefined): string | undefined {
    return /Credential=([^/,\s]+)\//.exec(authorization ?? "")?.[1];
}

function readBody(req: http.IncomingMessage): Promise<Buffer | "too-large"> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        req.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_BODY_BYTES) {
                req.removeAllListeners("data");
                req.resume();
                resolve("too-large");
                return;
            }
            chunks.push(chunk);
        });
        req.once("end", () => resolve(Buffer.concat(chunks)));
        req.once("error", reject);
    });
}

async function answer(req: http.IncomingMessage, parameters: readonly ParameterModel[], credentials: LocalCredentials): Promise<Answer> {
    if (req.method !== "POST") {
        return error("UnknownOperationException", `local SSM takes POST, not ${req.method}`);
    }
    if (accessKeyOf(req.headers.authorization) !== credentials.accessKeyId) {
        return error("UnrecognizedClientException", "The security token included in the request is invalid.");
    }
    const body = await readBody(req);
    if (body === "too-large") {
        return error("ValidationException", `the request is above ${MAX_BODY_BYTES} bytes`);
    }
    const target = req.headers["x-amz-target"];
    const operation = typeof target === "string" && Object.hasOwn(operations, target) ? operations[target] : undefined;
    if (operation === undefined) {
        return error("UnknownOperationException", `local SSM answers ${Object.keys(operations).join(" and ")} only, not ${String(target)}`);
    }
    let input: unknown;
    try {
        input = JSON.parse(body.toString("utf8"));
    } catch {
        return error("SerializationException", "the body is not JSON");
    }
    return operation(parameters, input);
}

/** Listens on a free port of 127.0.0.1 and answers GetParameter and GetParameters from `parameters`. */
export async function startSsmEndpoint(parameters: readonly ParameterModel[], options: SsmEndpointOptions = {}): Promise<SsmEndpoint> {
    const log = options.log ?? (() => undefined);
    const credentials: LocalCredentials = {
        accessKeyId: `ASIALOCAL${randomBytes(6).toString("hex").toUpperCase()}`,
        secretAccessKey: randomBytes(30).toString("base64"),
        sessionToken: randomBytes(30).toString("base64"),
    };
    const sockets = new Set<net.Socket>();
    const server = http.createServer({ headersTimeout: TIMEOUT_MS, requestTimeout: TIMEOUT_MS, keepAliveTimeout: TIMEOUT_MS }, (req, res) => {
        answer(req, parameters, credentials).then((reply) => {
            const type = reply.body.__type;
            if (typeof type === "string") {
                log(`ssm: ${req.method} ${String(req.headers["x-amz-target"] ?? "")}: ${type}`);
            }
            const text = JSON.stringify(reply.body);
            res.writeHead(reply.status, {
                "content-type": "application/x-amz-json-1.1",
                "content-length": Buffer.byteLength(text),
                "x-amzn-RequestId": randomBytes(16).toString("hex"),
                ...(typeof type === "string" ? { "x-amzn-ErrorType": type } : {}),
            });
            res.end(text);
        }, (failure: unknown) => {
            log(`ssm: request failed: ${failure instanceof Error ? failure.message : String(failure)}`);
            res.destroy();
        });
    });
    server.timeout = TIMEOUT_MS;
    server.maxConnections = MAX_CONNECTIONS;
    server.on("connection", (socket: net.Socket) => {
        sockets.add(socket);
        socket.once("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            server.off("error", reject);
            resolve();
        });
    });
    const { port } = server.address() as net.AddressInfo;
    let stopping: Promise<void> | undefined;
    return {
        url: `http://127.0.0.1:${port}`,
        credentials,
        stop: () => {
            stopping ??= new Promise<void>((resolve) => {
                const timer = setTimeout(resolve, STOP_TIMEOUT_MS);
                timer.unref();
                server.close(() => {
                    clearTimeout(timer);
                    resolve();
                });
                sockets.forEach((socket) => socket.destroy());
            });
            return stopping;
        },
    };
}
