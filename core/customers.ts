/** A customer record as the API returns it. */
export interface Customer {
    readonly id: string;
    readonly name: string;
    readonly segment: "retail" | "business";
    readonly country: string;
    readonly since: string;
}

/** The sample customer base behind `GET /customer/{customer-id}`. */
export const customers: ReadonlyMap<string, Customer> = new Map([
    ["42", { id: "42", name: "Ada Lovelace", segment: "retail", country: "GB", since: "2019-03-14" }],
    ["1001", { id: "1001", name: "Grace Hopper Logistics", segment: "business", country: "US", since: "2021-07-01" }],
    ["2002", { id: "2002", name: "Katherine Johnson", segment: "retail", country: "US", since: "2023-11-20" }],
].map(([id, customer]) => [id as string, customer as Customer]));
