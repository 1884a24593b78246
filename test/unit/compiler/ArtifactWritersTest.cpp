//===- ArtifactWritersTest.cpp - Unit tests of header/manifest --*- C++ -*-===//
//
// The header must be valid C for any tensor name ONNX allows and name every
// symbol after the artifact; the manifest's text is pinned byte for byte.
//
//===----------------------------------------------------------------------===//
#include "compiler/ArtifactWriters.h"
#include "compiler/ModelSignature.h"

#include "strata/runtime.h"

#include <gtest/gtest.h>

using namespace strata;

namespace {

ModelSignature exampleSignature() {
  ModelSignature signature;
  signature.name = "kws";
  signature.arenaBytes = 4096;
  signature.arenaLowerBound = 4032;
  signature.graphOps = 21;
  signature.kernels = 12;
  signature.fills = 3;
  signature.copies = 4;
  signature.inputs.push_back({"mfcc \"frames\"\\x", STRATA_DTYPE_FLOAT32, {1, 49, 10}});
  signature.outputs.push_back({"scores", STRATA_DTYPE_INT64, {1, 12}});
  return signature;
}

} // namespace

TEST(SanitizeIdentifierTest, MakesCIdentifiers) {
  EXPECT_EQ(sanitizeIdentifier("resnet18"), "resnet18");
  EXPECT_EQ(sanitizeIdentifier("model-v2.int8"), "model_v2_int8");
  EXPECT_EQ(sanitizeIdentifier("3dnet"), "_3dnet");
  EXPECT_EQ(sanitizeIdentifier(""), "_");
}

TEST(HeaderWriterTest, MacrosAndEscapedNames) {
  std::string header = writeHeader(exampleSignature());
  EXPECT_NE(header.find("#define KWS_ARENA_BYTES 4096\n"), std::string::npos);
  EXPECT_NE(header.find("#define KWS_INPUT_0_SHAPE {1, 49, 10}\n"), std::string::npos);
  EXPECT_NE(header.find("#define KWS_INPUT_0_BYTES 1960\n"), std::string::npos);
  EXPECT_NE(header.find("#define KWS_OUTPUT_0_DTYPE STRATA_DTYPE_INT64\n"),
            std::string::npos);
  EXPECT_NE(header.find("#define KWS_OUTPUT_0_BYTES 96\n"), std::string::npos);
  // Quotes and backslashes in tensor names are escaped for C.
  EXPECT_NE(header.find(R"("mfcc \"frames\"\\x")"), std::string::npos);
  EXPECT_NE(header.find("extern const strata_model_t kws_model;"), std::string::npos);
  EXPECT_NE(header.find("static inline strata_status_t kws_run("), std::string::npos);
  // The executor: in the entry, a run_with helper and the loop count.
  EXPECT_NE(header.find("    const strata_executor_t *executor);"), std::string::npos);
  EXPECT_NE(header.find("static inline strata_status_t kws_run_with("),
            std::string::npos);
  EXPECT_NE(header.find("#define KWS_PARALLEL_LOOPS 0\n"), std::string::npos);
}

// The manifest is what CI pipelines diff: its exact text is pinned.
TEST(ManifestWriterTest, MatchesTheGoldenText) {
  TargetDescription target;
  target.name = "x86_64";
  target.triple = "x86_64-unknown-linux-gnu";
  target.cpu = "x86-64-v3";
  ManifestFacts facts;
  facts.modelFile = "kws.onnx";
  facts.modelSha256 = "ab12";
  facts.codeBytes = 100;
  facts.weightBytes = 200;
  facts.artifacts = {"kws.o", "kws.h", "kws.json"};
  ModelSignature signature = exampleSignature();
  signature.takesExecutor = true;
  signature.parallelLoops = 3;
  std::string first = writeManifest(signature, target, facts);
  // Byte for byte, so nothing that varies between processes (map order,
  // addresses, timestamps, paths) can enter; only the version is masked.
  std::string masked = first;
  const std::string versionKey = "\"version\": \"";
  size_t version = masked.find(versionKey);
  ASSERT_NE(version, std::string::npos);
  version += versionKey.size();
  masked.replace(version, masked.find('"', version) - version, "VERSION");
  EXPECT_EQ(masked, R"({
  "abi_version": 2,
  "arena": {
    "alignment": 64,
    "bytes": 4096,
    "lower_bound_bytes": 4032
  },
  "artifacts": [
    "kws.o",
    "kws.h",
    "kws.json"
  ],
  "code_bytes": 100,
  "compiler": {
    "name": "stratac",
    "version": "VERSION"
  },
  "inputs": [
    {
      "bytes": 1960,
      "dtype": "float32",
      "name": "mfcc \"frames\"\\x",
      "shape": [
        1,
        49,
        10
      ]
    }
  ],
  "loop_nests": {
    "copies": 4,
    "fills": 3,
    "graph_ops": 21,
    "kernels": 12
  },
  "model": {
    "file": "kws.onnx",
    "sha256": "ab12"
  },
  "name": "kws",
  "outputs": [
    {
      "bytes": 96,
      "dtype": "int64",
      "name": "scores",
      "shape": [
        1,
        12
      ]
    }
  ],
  "parallel_loops": 3,
  "stack_bytes_estimate": -1,
  "target": {
    "cpu": "x86-64-v3",
    "name": "x86_64",
    "triple": "x86_64-unknown-linux-gnu"
  },
  "weight_bytes": 200
}
)");
  for (const char *needle :
       {"\"lower_bound_bytes\": 4032", "\"weight_bytes\": 200",
        "\"dtype\": \"int64\"", "\"sha256\": \"ab12\"", "\"cpu\": \"x86-64-v3\"",
        "\"kernels\": 12"})
    EXPECT_NE(first.find(needle), std::string::npos) << needle;
}
