// What the engine specs read from `pulumi stack export`, and how they name a resource of a URN.

export interface StateResource {
    readonly urn: string;
    readonly type: string;
    readonly outputs?: Record<string, unknown>;
    readonly inputs?: Record<string, unknown>;
}

export interface StackExport {
    readonly deployment: { readonly resources?: StateResource[] };
}

/** The marker Pulumi puts on a secret value in state. */
export const secretSignature = "4dabf18193072939515e22adb298388d";

/** A resource's logical name: the last part of its URN. */
export const resourceName = (urn: string): string => urn.slice(urn.lastIndexOf("::") + 2);
