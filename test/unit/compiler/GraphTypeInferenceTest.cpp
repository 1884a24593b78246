//===- GraphTypeInferenceTest.cpp - Building graph ops from operands -*- C++ -*-===//
//
// Passes build graph ops without spelling result types: these tests build
// ops through their inferring builders and check the types ONNX's rules give,
// and that malformed operands make inference fail instead of guessing.
//
//===----------------------------------------------------------------------===//
#include "dialects/Graph/GraphOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace strata::graph;

namespace {

class GraphTypeInferenceTest : public ::testing::Test {
protected:
  GraphTypeInferenceTest() : builder(&context) {
    context.loadDialect<GraphDialect, func::FuncDialect>();
    module = ModuleOp::create(builder.getUnknownLoc());
    builder.setInsertionPointToEnd(module->getBody());
  }

  /// A function argument of the given type, to use as an operand.
  Value argument(ArrayRef<int64_t> shape, Type element = {}) {
    auto type = RankedTensorType::get(shape, element ? element : builder.getF32Type());
    auto function = func::FuncOp::create(builder, builder.getUnknownLoc(), "f",
                                         builder.getFunctionType(type, {}));
    return function.addEntryBlock()->getArgument(0);
  }

  ArrayRef<int64_t> shapeOf(Value v) {
    return cast<RankedTensorType>(v.getType()).getShape();
  }

  MLIRContext context;
  OpBuilder builder;
  OwningOpRef<ModuleOp> module;
};

TEST_F(GraphTypeInferenceTest, BroadcastAndMatmul) {
  Location loc = builder.getUnknownLoc();
  Value sum = AddOp::create(builder, loc, argument({2, 1, 4}), argument({3, 1}));
  EXPECT_EQ(shapeOf(sum), ArrayRef<int64_t>({2, 3, 4}));
  Value product = MatMulOp::create(builder, loc, argument({5, 2, 3}), argument({3, 7}));
  EXPECT_EQ(shapeOf(product), ArrayRef<int64_t>({5, 2, 7}));
}

TEST_F(GraphTypeInferenceTest, ConvolutionWindow) {
  Location loc = builder.getUnknownLoc();
  // ResNet's stem: 7x7 stride 2 pad 3 on 224x224.
  Value conv = ConvOp::create(
      builder, loc, argument({1, 3, 224, 224}), argument({64, 3, 7, 7}), Value(),
      builder.getDenseI64ArrayAttr({2, 2}),
      builder.getDenseI64ArrayAttr({3, 3, 3, 3}),
      builder.getDenseI64ArrayAttr({1, 1}), builder.getI64IntegerAttr(1));
  EXPECT_EQ(shapeOf(conv), ArrayRef<int64_t>({1, 64, 112, 112}));
}

TEST_F(GraphTypeInferenceTest, DataMovement) {
  Location loc = builder.getUnknownLoc();
  Value x = argument({2, 3, 4});
  EXPECT_EQ(shapeOf(TransposeOp::create(builder, loc, x,
                                        builder.getDenseI64ArrayAttr({2, 0, 1}))),
            ArrayRef<int64_t>({4, 2, 3}));
  EXPECT_EQ(shapeOf(FlattenOp::create(builder, loc, x, builder.getI64IntegerAttr(-1))),
            ArrayRef<int64_t>({6, 4}));
  EXPECT_EQ(shapeOf(SliceOp::create(builder, loc, x,
                                    builder.getDenseI64ArrayAttr({-1}),
                                    builder.getDenseI64ArrayAttr({INT64_MIN}),
                                    builder.getDenseI64ArrayAttr({2}),
                                    builder.getDenseI64ArrayAttr({-2}))),
            ArrayRef<int64_t>({2, 3, 2}));
  Value indices = argument({5}, builder.getI64Type());
  EXPECT_EQ(shapeOf(GatherOp::create(builder, loc, x, indices,
                                     builder.getI64IntegerAttr(1))),
            ArrayRef<int64_t>({2, 5, 4}));
  EXPECT_EQ(shapeOf(ShapeOp::create(builder, loc, x, builder.getI64IntegerAttr(1),
                                    IntegerAttr())),
            ArrayRef<int64_t>({2}));
}

TEST_F(GraphTypeInferenceTest, MalformedOperandsFailInference) {
  SmallVector<Type> types;
  Value lhs = argument({2, 3}), rhs = argument({4});
  // No location: inference fails quietly and reports nothing.
  EXPECT_TRUE(failed(AddOp::inferReturnTypes(
      &context, std::nullopt, AddOp::Adaptor(ValueRange{lhs, rhs}), types)));
  EXPECT_TRUE(types.empty());
}

} // namespace
