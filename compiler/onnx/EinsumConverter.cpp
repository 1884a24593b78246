//===- EinsumConverter.cpp - Einsum from Transpose, Mul and ReduceSum -*- C++ -*-===//
//
// Einsum's equation names every axis with a letter. Each operand is brought
// to one common letter order (its diagonals taken first, for a letter it
// repeats), the operands are multiplied with broadcasting, the letters the
// output lacks are summed away and the rest transposed into the output's
// order. A contraction of two operands therefore materializes their
// broadcast product: right for the small equations models use, not a
// substitute for MatMul on large ones.
//
//===----------------------------------------------------------------------===//
#include "compiler/onnx/ConverterSupport.h"

#include "dialects/Graph/GraphOps.h"

#include "llvm/ADT/StringExtras.h"

#include <onnx/onnx_pb.h>

using namespace mlir;
using namespace strata::graph;

namespace strata::onnx_import {

namespace {

/// One operand's letters with "..." expanded to the letters that stand for
/// its leading unnamed axes (uppercase letters, never in an equation).
FailureOr<std::string> expandTerm(NodeContext &ctx, StringRef term, int64_t rank,
                                  std::string &ellipsis) {
  term = term.trim();
  size_t dots = term.find("...");
  std::string letters;
  if (dots == StringRef::npos) {
    letters = term.str();
  } else {
    int64_t named = static_cast<int64_t>(term.size()) - 3;
    int64_t unnamed = rank - named;
    if (unnamed < 0) {
      ctx.error() << "term '" << term << "' names more axes than its rank " << rank;
      return failure();
    }
    if (ellipsis.empty() || static_cast<int64_t>(ellipsis.size()) < unnamed)
      ellipsis = std::string("ABCDEFGHIJKLMNOPQRSTUVWXYZ").substr(0, unnamed);
    letters = term.substr(0, dots).str() +
              ellipsis.substr(ellipsis.size() - unnamed) +
              term.substr(dots + 3).str();
  }
  if (static_cast<int64_t>(letters.size()) != rank ||
      !llvm::all_of(letters, [](char c) { return llvm::isAlpha(c); })) {
    ctx.error() << "term '" << term << "' does not describe a rank-" << rank
                << " operand";
    return failure();
  }
  return letters;
}

/// Takes the diagonal of every letter `x` repeats: multiply by the identity
/// over the two axes and sum one away.
Value takeDiagonals(NodeContext &ctx, Value x, std::string &letters) {
  OpBuilder &b = ctx.builder;
  for (size_t i = 0; i < letters.size(); ++i) {
    size_t j = letters.find(letters[i], i + 1);
    while (j != std::string::npos) {
      auto type = cast<RankedTensorType>(x.getType());
      int64_t n = type.getDimSize(i);
      SmallVector<int64_t> maskShape(type.getRank(), 1);
      maskShape[i] = maskShape[j] = n;
      SmallVector<double> eye;
      for (int64_t r = 0; r < n; ++r)
        for (int64_t c = 0; c < n; ++c)
          eye.push_back(r == c ? 1.0 : 0.0);
      x = b.createOrFold<MulOp>(
          ctx.loc, x, constantTensor(ctx, maskShape, type.getElementType(), eye));
      x = b.createOrFold<ReduceSumOp>(ctx.loc, x,
                                      b.getDenseI64ArrayAttr({int64_t(j)}),
                                      b.getBoolAttr(false));
      letters.erase(j, 1);
      j = letters.find(letters[i], i + 1);
    }
  }
  return x;
}

} // namespace

LogicalResult convertEinsum(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  OpBuilder &b = ctx.builder;
  std::string equation = ctx.stringAttr("equation", "");
  equation.erase(llvm::remove_if(equation, [](char c) { return c == ' '; }),
                 equation.end());
  StringRef text(equation);
  auto [left, right] = text.split("->");
  bool explicitOutput = text.contains("->");
  SmallVector<StringRef> terms;
  left.split(terms, ',');
  if (terms.size() != ctx.inputs.size())
    return ctx.error() << "equation '" << equation << "' has " << terms.size()
                       << " operand terms for " << ctx.inputs.size() << " inputs";
  Type element = ctx.inputType(0).getElementType();
  std::string ellipsis;
  SmallVector<std::string> operandLetters;
  SmallVector<Value> operands;
  std::string all; // Every letter, in first-seen order.
  llvm::StringMap<int64_t> extents;
  for (auto [term, input] : llvm::zip(terms, ctx.inputs)) {
    auto type = cast<RankedTensorType>(input.getType());
    if (type.getElementType() != element)
      return ctx.error() << "operands have different element types";
    auto letters = expandTerm(ctx, term, type.getRank(), ellipsis);
    if (failed(letters))
      return failure();
    Value x = takeDiagonals(ctx, input, *letters);
    auto xType = cast<RankedTensorType>(x.getType());
    for (auto [k, letter] : llvm::enumerate(*letters)) {
      std::string key(1, letter);
      int64_t extent = xType.getDimSize(k);
      auto [it, inserted] = extents.insert({key, extent});
      if (!inserted && it->second != extent && it->second != 1 && extent != 1)
        return ctx.error() << "axis '" << letter << "' has extents " << it->second
                           << " and " << extent;
      it->second = std::max(it->second, extent);
      if (all.find(letter) == std::string::npos)
        all += letter;
    }
    operandLetters.push_back(*letters);
    operands.push_back(x);
  }
  // The output: as written, or (implicit) the ellipsis then every letter
  // that appears once, alphabetically.
  std::string output;
  if (explicitOutput) {
    bool hasEllipsis = right.contains("...");
    int64_t rank = static_cast<int64_t>(right.size()) -
                   (hasEllipsis ? 3 - static_cast<int64_t>(ellipsis.size()) : 0);
    auto expanded = expandTerm(ctx, right, rank, ellipsis);
    if (failed(expanded))
      return failure();
    output = *expanded;
  } else {
    std::string once;
    for (char letter : all) {
      int count = 0;
      for (const std::string &letters : operandLetters)
        count += llvm::count(letters, letter);
      if (count == 1 && !llvm::isUpper(letter))
        once += letter;
    }
    llvm::sort(once);
    output = ellipsis + once;
  }
  for (char letter : output)
    if (all.find(letter) == std::string::npos)
      return ctx.error() << "output letter '" << letter << "' names no input axis";
  // Common order: output letters first, then the summed ones.
  std::string order = output;
  for (char letter : all)
    if (order.find(letter) == std::string::npos)
      order += letter;
  Value product;
  for (auto [letters, x] : llvm::zip(operandLetters, operands)) {
    // This operand's axes in `order`, then unit axes for the letters it lacks.
    SmallVector<int64_t> perm;
    for (char letter : order)
      if (size_t at = letters.find(letter); at != std::string::npos)
        perm.push_back(at);
    if (!llvm::equal(perm, llvm::seq<int64_t>(0, perm.size())))
      x = b.createOrFold<TransposeOp>(ctx.loc, x, b.getDenseI64ArrayAttr(perm));
    SmallVector<int64_t> missing;
    for (auto [k, letter] : llvm::enumerate(order))
      if (letters.find(letter) == std::string::npos)
        missing.push_back(k);
    if (!missing.empty())
      x = b.createOrFold<UnsqueezeOp>(ctx.loc, x, b.getDenseI64ArrayAttr(missing));
    product = product ? b.createOrFold<MulOp>(ctx.loc, product, x) : x;
  }
  if (order.size() > output.size()) {
    auto summed = llvm::to_vector(
        llvm::seq<int64_t>(output.size(), static_cast<int64_t>(order.size())));
    product = b.createOrFold<ReduceSumOp>(ctx.loc, product,
                                          b.getDenseI64ArrayAttr(summed),
                                          b.getBoolAttr(false));
  }
  results.push_back(product);
  return success();
}

} // namespace strata::onnx_import
