// Which method a request names, as API Gateway finds it: the longest base path of the domain's
// mappings, then the stage (the mapping's, or the first path segment), then the resource tree:
// static segments before a {param}, a {proxy+} taking the rest, then the method or ANY.
import type { DomainModel, MethodModel, ResourceNode, StageModel } from "./domain-model";

/** Where a request lands: refused at the domain, no such method, or a method with its parameters. */
export type Route =
    | { readonly kind: "no-mapping" }
    | { readonly kind: "no-method" }
    | {
        readonly kind: "method";
        readonly stage: StageModel;
        readonly method: MethodModel;
        /** The path below the stage, as the proxy event's `path`. */
        readonly path: string;
        readonly pathParameters: Record<string, string> | null;
    };

function decode(segment: string): string {
    try {
        return decodeURIComponent(segment);
    } catch {
        return segment;
    }
}

function findResource(node: ResourceNode, segments: readonly string[], at: number, params: Record<string, string>): ResourceNode | undefined {
    if (at === segments.length) {
        return node;
    }
    const segment = segments[at];
    const literal = node.statics.get(segment);
    const found = literal && findResource(literal, segments, at + 1, params);
    if (found) {
        return found;
    }
    if (node.param) {
        const below = findResource(node.param.node, segments, at + 1, params);
        if (below) {
            params[node.param.name] = decode(segment);
            return below;
        }
    }
    if (node.greedy) {
        params[node.greedy.name] = segments.slice(at).map(decode).join("/");
        return node.greedy.node;
    }
    return undefined;
}

/** Routes a request path (without query) as API Gateway routes it on a custom domain. */
export function route(domain: DomainModel, pathname: string, httpMethod: string): Route {
    const segments = pathname.split("/").filter((s) => s !== "");
    const mapping = domain.mappings.find((m) => m.basePath.every((part, i) => segments[i] === part));
    if (!mapping) {
        return { kind: "no-mapping" };
    }
    let rest = segments.slice(mapping.basePath.length);
    let stage = mapping.stage;
    if (!stage) {
        stage = mapping.stages.get(rest[0] ?? "");
        rest = rest.slice(1);
        if (!stage) {
            return { kind: "no-mapping" };
        }
    }
    const params: Record<string, string> = {};
    const node = findResource(stage.root, rest, 0, params);
    const method = node && (node.methods.get(httpMethod) ?? node.methods.get("ANY"));
    if (!method) {
        return { kind: "no-method" };
    }
    return {
        kind: "method",
        stage,
        method,
        path: `/${rest.join("/")}`,
        pathParameters: Object.keys(params).length > 0 ? params : null,
    };
}
