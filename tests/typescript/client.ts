// An integrator's program against the advisor's API, typed by what openapi-typescript generates from
// /openapi.json (generate.mjs writes ./schema.d.ts) and called with openapi-fetch:
//   node client.js BASE_URL API_KEY
// It calls every operation, checks what it reads, and prints what it did as JSON: the operations called
// with their statuses, and the values tests/web/test_client_typescript.py compares with the server's.
import assert from "node:assert/strict";
import createClient from "openapi-fetch";
import type { components, operations, paths } from "./schema.js";

type Schemas = components["schemas"];
type OperationId = keyof operations;

const [baseUrl, key] = process.argv.slice(2);
const api = createClient<paths>({ baseUrl, headers: { "X-API-Key": key } });
const anonymous = createClient<paths>({ baseUrl });
const called: Partial<Record<OperationId, number[]>> = {};

function note(operation: OperationId, response: Response): void {
  (called[operation] ??= []).push(response.status);
}

function present<T>(value: T | undefined, what: string): T {
  assert.ok(value !== undefined, `${what}: no body`);
  return value;
}

// The types are the schema's: a choice takes only its values, a number no text.
const funding: Schemas["ProjectFunding"] = "enterprise";
const warehouse: Schemas["Profile"] = {
  project: {
    in_qingyang: true, has_project: true, funding, type: "warehouse", low_risk: true, floor_area_m2: 1200,
    small_scale: true,
  },
};
// @ts-expect-error a project type the question does not offer
const castle: Schemas["ProjectType"] = "castle";
// @ts-expect-error a floor area is a number, not text
const textual: Schemas["ProjectSection"] = { floor_area_m2: "1200" };
void castle, textual;

const health = await anonymous.GET("/healthz");
note("healthz", health.response);
const version = present(health.data, "healthz").rulebase_version;
const ready = await anonymous.GET("/readyz");
note("readyz", ready.response);
assert.equal(present(ready.data, "readyz").status, "ready");

// An assessment: the full document, its counts a typed object, its conditions by id, its texts by reference.
const assessed = await api.POST("/api/v1/assessments", { body: { profile: warehouse, lang: "en" } });
note("createAssessment", assessed.response);
const document = present(assessed.data, "createAssessment");
assert.ok("checks" in document, "the full view was asked for");
const counts: Schemas["Counts"] = document.counts;
const joint = present(document.findings.find((finding) => finding.id === "joint-acceptance-small-industrial"), "joint");
const status: Schemas["Status"] = joint.status;
const condition: Schemas["CheckNode"] = present(document.checks[joint.conditions], "its condition");
assert.equal(condition.result, "met");
assert.equal(assessed.response.headers.get("Rulebase-Version"), version);
const texts = await api.GET("/api/v1/provisions", { params: { query: { lang: document.lang } } });
note("listProvisions", texts.response);
const jointText = present(texts.data, "listProvisions").provisions.find((provision) => provision.id === joint.id);
assert.ok(present(jointText, "the joint provision's texts").quote.startsWith("推行验收登记同步办理"));
const expanded = await api.POST("/api/v1/assessments", { body: { profile: warehouse, lang: "en", view: "expanded" } });
note("createAssessment", expanded.response);
const whole = present(expanded.data, "the expanded view");
assert.ok("findings" in whole && !("checks" in whole) && whole.view === "expanded");

// A 422: the problem document names the field, in the request's language.
const refused = await api.POST("/api/v1/assessments", {
  body: { profile: { project: { floor_area_m2: -5 } }, lang: "en" },
});
note("createAssessment", refused.response);
const problem: Schemas["Problem"] = present(refused.error, "the 422");

// The catalog, revalidated with its ETag: 304 without a body.
const provisions = await api.GET("/api/v1/provisions", { params: { query: { article: "（四）", lang: "en" } } });
note("listProvisions", provisions.response);
const etag = present(provisions.response.headers.get("ETag") ?? undefined, "ETag");
const revalidated = await api.GET("/api/v1/provisions", {
  params: { query: { article: "（四）", lang: "en" }, header: { "if-none-match": etag } },
});
note("listProvisions", revalidated.response);
const provision = await api.GET("/api/v1/provisions/{provision_id}", {
  params: { path: { provision_id: "joint-acceptance-small-industrial" } },
});
note("getProvision", provision.response);
const questions = await api.GET("/api/v1/questions");
note("listQuestions", questions.response);
const area = present(questions.data, "listQuestions").questions.find((q) => q.field === "project.floor_area_m2");
const next = await api.POST("/api/v1/questions/next", { body: { profile: { project: { has_project: true } }, limit: 3 } });
note("nextQuestions", next.response);
const schema = await api.GET("/api/v1/schemas/profile");
note("getProfileSchema", schema.response);
const unauthorized = await anonymous.GET("/api/v1/questions");
note("listQuestions", unauthorized.response);

// A registry: uploaded as multipart/form-data, polled until done, its results downloaded.
const registry = "id,project.in_qingyang,project.has_project,project.funding,project.type,project.low_risk," +
  "project.floor_area_m2\nW-1200,是,是,enterprise,warehouse,是,1200\nW-2400,是,是,enterprise,warehouse,是,2400\n";
const upload: Schemas["BatchUpload"] = { file: new Blob([registry], { type: "text/csv" }), lang: "en" };
const accepted = await api.POST("/api/v1/batches", {
  body: upload,
  bodySerializer(body) {
    const form = new FormData();
    form.append("file", body.file, "registry.csv");
    if (body.lang) form.append("lang", body.lang);
    return form;
  },
});
note("createBatch", accepted.response);
const job: Schemas["BatchAccepted"] = present(accepted.data, "createBatch");
let state: Schemas["BatchStatus"] | undefined;
for (let tries = 0; tries < 900 && state?.state !== "done" && state?.state !== "failed"; tries += 1) {
  if (state) await new Promise((resolve) => setTimeout(resolve, 200));
  const polled = await api.GET("/api/v1/batches/{batch_id}", { params: { path: { batch_id: job.id } } });
  note("getBatch", polled.response);
  state = present(polled.data, "getBatch");
}
const finished = present(state, "getBatch");
const results = await api.GET("/api/v1/batches/{batch_id}/files/{name}", {
  params: { path: { batch_id: job.id, name: "results" } },
  parseAs: "text",
});
note("getBatchFile", results.response);

// A reform simulated over the same registry and an 1,800 m² warehouse: uploaded, polled, its changes downloaded.
const reform = "reform: joint-acceptance-2000\n" +
  "title: {zh: 验收登记同步办理的面积上限提高到2000平方米, en: Joint acceptance up to 2000 m2}\n" +
  "in_force_from: 2027-01-01\nparameters:\n  construction.joint_acceptance.max_floor_area_m2: 2000\n";
const simulationUpload: Schemas["SimulationUpload"] = {
  file: new Blob([registry + "W-1800,是,是,enterprise,warehouse,是,1800\n"], { type: "text/csv" }),
  reform: new Blob([reform], { type: "application/yaml" }),
  lang: "en",
};
const simulationAccepted = await api.POST("/api/v1/simulations", {
  body: simulationUpload,
  bodySerializer(body) {
    const form = new FormData();
    form.append("file", body.file, "registry.csv");
    form.append("reform", body.reform, "reform.yaml");
    if (body.lang) form.append("lang", body.lang);
    return form;
  },
});
note("createSimulation", simulationAccepted.response);
const simulationJob: Schemas["SimulationAccepted"] = present(simulationAccepted.data, "createSimulation");
let simulationState: Schemas["SimulationStatus"] | undefined;
for (let tries = 0; tries < 900 && simulationState?.state !== "done" && simulationState?.state !== "failed";
  tries += 1) {
  if (simulationState) await new Promise((resolve) => setTimeout(resolve, 200));
  const polled = await api.GET("/api/v1/simulations/{simulation_id}", {
    params: { path: { simulation_id: simulationJob.id } },
  });
  note("getSimulation", polled.response);
  simulationState = present(polled.data, "getSimulation");
}
const simulated = present(simulationState, "getSimulation");
const simulationResult: Schemas["SimulationResult"] = present(simulated.result ?? undefined, "the result");
const joint2000 = simulationResult.provisions.find((item) => item.id === "joint-acceptance-small-industrial");
const changes = await api.GET("/api/v1/simulations/{simulation_id}/files/{name}", {
  params: { path: { simulation_id: simulationJob.id, name: "changes" } },
  parseAs: "text",
});
note("getSimulationFile", changes.response);

// The plan's numbers with their history.
const parameters = await api.GET("/api/v1/parameters");
note("listParameters", parameters.response);
const areaLimit = present(parameters.data, "listParameters").parameters
  .find((parameter) => parameter.name === "construction.joint_acceptance.max_floor_area_m2");
const unit: Schemas["ParameterUnit"] | undefined = areaLimit?.unit;

console.log(JSON.stringify({
  called,
  rulebase_version: version,
  counts,
  joint_status: status,
  problem: { status: problem.status, errors: problem.errors ?? [] },
  etag,
  revalidated: { status: revalidated.response.status, body: revalidated.data ?? null },
  provision_title: present(provision.data, "getProvision").title,
  area_unit: area?.unit?.en ?? null,
  next_questions: present(next.data, "nextQuestions").questions.map((q) => q.field),
  schema_sections: Object.keys((present(schema.data, "getProfileSchema") as { properties: object }).properties),
  unauthorized: present(unauthorized.error, "the 401").status,
  batch: {
    state: finished.state, rows: finished.rows, screened: finished.screened, failed: finished.failed,
    location: accepted.response.headers.get("Location"), status_url: job.status_url,
  },
  results: present(results.data, "getBatchFile"),
  simulation: {
    state: simulated.state, rows: simulationResult.rows, as_of: simulationResult.as_of,
    joint_gain: joint2000?.gain ?? null, losses: simulationResult.changes.loss,
  },
  changes: present(changes.data, "getSimulationFile"),
  area_limit: { unit: unit ?? null, history: areaLimit?.history.map((value) => [value.from, value.value]) ?? [] },
}));
