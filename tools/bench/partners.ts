// The generated partners of a bench case, in one place: the case under mocks and the same case
// under the real CLI must declare the same stack.

/** `count` partners whose key and certificate the stack issues, as a stack's `partners` lists them. */
export function generatedPartners(count: number): { readonly name: string }[] {
    return Array.from({ length: count }, (_, i) => ({ name: `partner-${i}` }));
}
