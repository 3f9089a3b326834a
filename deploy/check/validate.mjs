// Validates every Kubernetes object in the given folders' *.yaml files against the Kubernetes API's OpenAPI schema,
// offline: kubernetes-models ships the schema of every built-in kind as compiled validators (types, required fields,
// enums, formats). Unknown fields are not reported by it (the schema allows them); DeployManifestsTest checks the
// fields this deployment depends on by name. Exit code 0: every object is valid; 1: a list of what is not.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

const folders = process.argv.slice(2);
if (folders.length === 0) {
  console.error("usage: node validate.mjs FOLDER...");
  process.exit(2);
}

/** kubernetes-models' module path of an apiVersion and kind: core "v1" objects sit at the top. */
function modelPath(apiVersion, kind) {
  return `kubernetes-models/${apiVersion}/${kind}`;
}

let problems = 0;
let objects = 0;
for (const folder of folders) {
  for (const file of readdirSync(folder).filter((f) => f.endsWith(".yaml")).sort()) {
    const path = join(folder, file);
    for (const document of parseAllDocuments(readFileSync(path, "utf8"))) {
      if (document.errors.length > 0) {
        console.log(`INVALID ${path}: YAML: ${document.errors.map((e) => e.message).join("; ")}`);
        problems++;
        continue;
      }
      const object = document.toJS();
      if (object === null) {
        continue;
      }
      const where = `${path} ${object.kind}/${object.metadata?.name}`;
      let Model;
      try {
        ({ [object.kind]: Model } = await import(modelPath(object.apiVersion, object.kind)));
      } catch (e) {
        console.log(`INVALID ${where}: unknown apiVersion/kind ${object.apiVersion} ${object.kind}`);
        problems++;
        continue;
      }
      try {
        new Model(object).validate();
        console.log(`valid ${where}`);
        objects++;
      } catch (e) {
        console.log(`INVALID ${where}: ${e.message}`);
        problems++;
      }
    }
  }
}
console.log(`${objects} valid, ${problems} invalid`);
process.exit(problems === 0 && objects > 0 ? 0 : 1);
