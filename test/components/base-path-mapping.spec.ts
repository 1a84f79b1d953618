import { strict as assert } from "node:assert";
import { BasePathMapping } from "../../components/base-path-mapping";
import { captureResources, only, valueOf } from "../helpers/outputs";

describe("components", () => {
    before(async () => {
        await captureResources();
    });

    describe("BasePathMapping", () => {
        it("maps the stage under the base path and gives the API's URL", async () => {
            const capture = await captureResources();
            const mapping = new BasePathMapping("m", { restApi: "api123", stageName: "v1", domainName: "api.example.com", basePath: "c360" });
            assert.equal(await valueOf(mapping.url), "https://api.example.com/c360");
            const inputs = only(await capture.settled(), "aws:apigateway/basePathMapping:BasePathMapping").inputs;
            assert.deepEqual(inputs, { restApi: "api123", stageName: "v1", domainName: "api.example.com", basePath: "c360" });
        });
    });
});
