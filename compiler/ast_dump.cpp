// The S-expression dump of the syntax tree (`ruff --dump-ast`, parser unit tests). A node kind
// without a case here prints as UnknownExpr / UnknownStmt.
#include "compiler/ast_dump.h"

#include <absl/strings/str_cat.h>
#include <absl/strings/str_format.h>

#include <charconv>

namespace ruff {

namespace {

using namespace ast;

std::string quote(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        switch (c) {
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        case '\0': out += "\\0"; break;
        case '\\': out += "\\\\"; break;
        case '"': out += "\\\""; break;
        default: out += c;
        }
    }
    return out + "\"";
}

// Literal values as source-like text: 42, 2.5, 1.0, "text", true, null.
std::string show_value(Value const& v) {
    switch (v.tag()) {
    case TAG_NULL: return "null";
    case TAG_BOOL: return v.as_bool() ? "true" : "false";
    case TAG_INT: return absl::StrCat(v.as_int());
    case TAG_FLOAT: {
        char buffer[64];
        auto result = std::to_chars(buffer, buffer + sizeof buffer, v.as_float());
        std::string text(buffer, result.ptr);
        if (text.find_first_of(".eni") == std::string::npos) text += ".0";  // Keep it a float.
        return text;
    }
    case TAG_STR: return quote(string_view_of(v));
    default: return "<value>";
    }
}

std::string_view unary_symbol(UnaryOp op) {
    switch (op) {
    case UnaryOp::Neg: return "-";
    case UnaryOp::Not: return "!";
    case UnaryOp::Await: return "await";
    }
    return "?";
}

std::string_view logical_symbol(LogicalOp op) {
    switch (op) {
    case LogicalOp::And: return "&&";
    case LogicalOp::Or: return "||";
    case LogicalOp::Coalesce: return "??";
    case LogicalOp::Pipe: return "|>";
    }
    return "?";
}

std::string_view assign_symbol(AssignOp op) {
    switch (op) {
    case AssignOp::Set: return ":=";
    case AssignOp::Add: return "+=";
    case AssignOp::Sub: return "-=";
    case AssignOp::Mul: return "*=";
    case AssignOp::Div: return "/=";
    case AssignOp::Mod: return "%=";
    }
    return "?";
}

std::string_view tag_kind_name(TagKind kind) {
    switch (kind) {
    case TagKind::User: return "user";
    case TagKind::Ok: return "Ok";
    case TagKind::Err: return "Err";
    case TagKind::Some: return "Some";
    case TagKind::None: return "None";
    }
    return "?";
}

class Dumper {
public:
    explicit Dumper(DumpOptions options) : m_options(options) {}
    std::string take() { return std::move(m_out); }

    void node(Node const& n);
    void function(FunctionNode const& fn);

private:
    // Opens `(LABEL [LINE:COL] [DETAIL]`; children follow; `close` writes the `)`.
    void open(std::string_view label, SourcePos pos, std::string_view detail = {}, bool with_pos = true);
    void close() {
        m_out += ')';
        --m_level;
    }
    void leaf(std::string_view label, SourcePos pos, std::string_view detail = {}) {
        open(label, pos, detail);
        close();
    }
    void optional_node(Node const* n) {
        if (n) node(*n);
        else leaf("Nothing", {}, {});
    }
    void expression(Expr const& e);
    void statement(Stmt const& s);
    void pattern(Pattern const& p);
    void block(Block const& b) { node(b); }
    void exprs(std::vector<ExprPtr> const& list) {
        for (auto const& e : list) node(*e);
    }
    void array_literal(ArrayLit const& a);
    void dict_literal(DictLit const& d);
    void struct_declaration(StructDeclStmt const& s);
    void match(MatchStmt const& m);

    DumpOptions m_options;
    std::string m_out;
    int m_level = 0;
};

void Dumper::open(std::string_view label, SourcePos pos, std::string_view detail, bool with_pos) {
    if (!m_out.empty()) {
        if (m_options.compact) {
            m_out += ' ';
        } else {
            m_out += '\n';
            m_out.append(static_cast<size_t>(m_level) * 2, ' ');
        }
    }
    m_out += '(';
    m_out += label;
    if (m_options.positions && with_pos && pos.line != 0) absl::StrAppend(&m_out, " ", pos.line, ":", pos.col);
    if (!detail.empty()) {
        m_out += ' ';
        m_out += detail;
    }
    ++m_level;
}

void Dumper::node(Node const& n) {
    if (n.kind >= NodeKind::Block) statement(static_cast<Stmt const&>(n));
    else expression(static_cast<Expr const&>(n));
}

void Dumper::function(FunctionNode const& fn) {
    std::string detail = fn.name.empty() ? "<lambda>" : fn.name;
    if (fn.is_async) detail += " async";
    if (fn.is_generator) detail += " generator";
    if (fn.is_method) detail += " method";
    if (fn.has_self_param) detail += " self";
    open("Function", fn.pos, detail);
    for (auto const& p : fn.params) {
        open("Param", p.pos, p.name);
        if (p.default_value) node(*p.default_value);
        close();
    }
    if (fn.body) block(*fn.body);
    close();
}

void Dumper::expression(Expr const& e) {
    switch (e.kind) {
    case NodeKind::Literal: leaf("Literal", e.pos, show_value(as<Literal>(e).value)); return;
    case NodeKind::Interpolation:
        open("Interpolation", e.pos);
        exprs(as<Interpolation>(e).parts);
        break;
    case NodeKind::Identifier: leaf("Identifier", e.pos, as<Identifier>(e).name); return;
    case NodeKind::Unary:
        open("Unary", e.pos, unary_symbol(as<Unary>(e).op));
        node(*as<Unary>(e).operand);
        break;
    case NodeKind::Binary:
        open("Binary", e.pos, binop_symbol(as<Binary>(e).op));
        node(*as<Binary>(e).lhs);
        node(*as<Binary>(e).rhs);
        break;
    case NodeKind::Logical:
        open("Logical", e.pos, logical_symbol(as<Logical>(e).op));
        node(*as<Logical>(e).lhs);
        node(*as<Logical>(e).rhs);
        break;
    case NodeKind::Call:
        open("Call", e.pos);
        node(*as<Call>(e).callee);
        exprs(as<Call>(e).args);
        break;
    case NodeKind::MethodCall:
        open("MethodCall", e.pos, as<MethodCall>(e).name);
        node(*as<MethodCall>(e).object);
        exprs(as<MethodCall>(e).args);
        break;
    case NodeKind::Index:
        open("Index", e.pos);
        node(*as<Index>(e).object);
        node(*as<Index>(e).index);
        break;
    case NodeKind::Field:
        open("Field", e.pos, (as<Field>(e).optional ? "?." : ".") + as<Field>(e).name);
        node(*as<Field>(e).object);
        break;
    case NodeKind::TryOp:
        open("TryOp", e.pos);
        node(*as<TryOp>(e).operand);
        break;
    case NodeKind::ArrayLit: array_literal(as<ArrayLit>(e)); return;
    case NodeKind::DictLit: dict_literal(as<DictLit>(e)); return;
    case NodeKind::StructLit: {
        auto const& s = as<StructLit>(e);
        open("StructLit", e.pos);
        node(*s.type);
        for (size_t i = 0; i < s.fields.size(); ++i) {
            open("FieldInit", i < s.field_pos.size() ? s.field_pos[i] : SourcePos{}, s.fields[i].first);
            node(*s.fields[i].second);
            close();
        }
        break;
    }
    case NodeKind::TagExpr: {
        auto const& t = as<TagExpr>(e);
        std::string detail = t.tag_kind == TagKind::User ? t.full_name : std::string(tag_kind_name(t.tag_kind));
        if (t.has_parens) detail += "()";
        open("Tag", e.pos, detail);
        exprs(t.args);
        break;
    }
    case NodeKind::Lambda:
        open("Lambda", e.pos);
        function(*as<Lambda>(e).fn);
        break;
    case NodeKind::ThrowExpr:
        open("Throw", e.pos);
        node(*as<ThrowExpr>(e).value);
        break;
    case NodeKind::YieldExpr:
        open("Yield", e.pos);
        if (as<YieldExpr>(e).value) node(*as<YieldExpr>(e).value);
        break;
    default: leaf("UnknownExpr", e.pos); return;
    }
    close();
}

void Dumper::array_literal(ArrayLit const& a) {
    open("Array", a.pos);
    for (size_t i = 0; i < a.elements.size(); ++i) {
        if (i < a.spread.size() && a.spread[i]) {
            open("Spread", {}, {}, false);
            node(*a.elements[i]);
            close();
        } else {
            node(*a.elements[i]);
        }
    }
    close();
}

void Dumper::dict_literal(DictLit const& d) {
    open("Dict", d.pos);
    for (auto const& entry : d.entries) {
        open(entry.key ? "Entry" : "Spread", {}, {}, false);
        if (entry.key) node(*entry.key);
        node(*entry.value);
        close();
    }
    close();
}

void Dumper::statement(Stmt const& s) {
    switch (s.kind) {
    case NodeKind::Block:
        open("Block", s.pos);
        for (auto const& child : as<Block>(s).stmts) node(*child);
        break;
    case NodeKind::ExprStmt:
        open("ExprStmt", s.pos);
        node(*as<ExprStmt>(s).expr);
        break;
    case NodeKind::LetStmt: {
        auto const& l = as<LetStmt>(s);
        open("Let", s.pos, l.is_const ? "const" : l.is_decl ? "let" : "destructure");
        pattern(*l.pattern);
        node(*l.value);
        break;
    }
    case NodeKind::AssignStmt:
        open("Assign", s.pos, assign_symbol(as<AssignStmt>(s).op));
        node(*as<AssignStmt>(s).target);
        node(*as<AssignStmt>(s).value);
        break;
    case NodeKind::FuncDeclStmt:
        open("FuncDecl", s.pos);
        function(*as<FuncDeclStmt>(s).fn);
        break;
    case NodeKind::StructDeclStmt: struct_declaration(as<StructDeclStmt>(s)); return;
    case NodeKind::EnumDeclStmt:
        open("EnumDecl", s.pos, as<EnumDeclStmt>(s).name);
        for (auto const& [name, arity] : as<EnumDeclStmt>(s).variants)
            leaf("Variant", {}, absl::StrCat(name, " ", arity));
        break;
    case NodeKind::ImportStmt: {
        auto const& i = as<ImportStmt>(s);
        std::string detail = i.module;
        for (auto const& n : i.names) absl::StrAppend(&detail, " ", n);
        open("Import", s.pos, detail);
        break;
    }
    case NodeKind::ExportStmt:
        open("Export", s.pos);
        node(*as<ExportStmt>(s).decl);
        break;
    case NodeKind::IfStmt:
        open("If", s.pos);
        node(*as<IfStmt>(s).cond);
        block(*as<IfStmt>(s).then_block);
        if (as<IfStmt>(s).else_branch) node(*as<IfStmt>(s).else_branch);
        break;
    case NodeKind::WhileStmt:
        open("While", s.pos);
        optional_node(as<WhileStmt>(s).cond.get());
        block(*as<WhileStmt>(s).body);
        break;
    case NodeKind::ForStmt:
        open("For", s.pos);
        pattern(*as<ForStmt>(s).pattern);
        node(*as<ForStmt>(s).iterable);
        block(*as<ForStmt>(s).body);
        break;
    case NodeKind::MatchStmt: match(as<MatchStmt>(s)); return;
    case NodeKind::TryStmt:
        open("Try", s.pos, as<TryStmt>(s).name);
        block(*as<TryStmt>(s).body);
        block(*as<TryStmt>(s).handler);
        break;
    case NodeKind::SpawnStmt:
        open("Spawn", s.pos);
        function(*as<SpawnStmt>(s).fn);
        break;
    case NodeKind::TestStmt: {
        auto const& t = as<TestStmt>(s);
        std::string_view kind = t.test_kind == TestKind::Test    ? "test"
                                : t.test_kind == TestKind::Group ? "group"
                                : t.test_kind == TestKind::Setup ? "setup"
                                                                 : "teardown";
        open("Test", s.pos, t.name.empty() ? std::string(kind) : absl::StrCat(std::string(kind), " ", quote(t.name)));
        if (t.fn) function(*t.fn);
        for (auto const& child : t.children) node(*child);
        break;
    }
    case NodeKind::ReturnStmt:
        open("Return", s.pos);
        if (as<ReturnStmt>(s).value) node(*as<ReturnStmt>(s).value);
        break;
    case NodeKind::BreakStmt: leaf("Break", s.pos); return;
    case NodeKind::ContinueStmt: leaf("Continue", s.pos); return;
    default: leaf("UnknownStmt", s.pos); return;
    }
    close();
}

void Dumper::struct_declaration(StructDeclStmt const& s) {
    open("StructDecl", s.pos, s.name);
    for (auto const& field : s.fields) leaf("FieldDecl", {}, field);
    for (auto const& method : s.methods) function(*method);
    close();
}

void Dumper::match(MatchStmt const& m) {
    open("Match", m.pos);
    node(*m.subject);
    for (auto const& arm : m.arms) {
        open(arm.alternatives.empty() ? "Default" : "Case", {}, {}, false);
        for (auto const& alternative : arm.alternatives) pattern(*alternative);
        block(*arm.body);
        close();
    }
    close();
}

void Dumper::pattern(Pattern const& p) {
    switch (p.kind) {
    case PatternKind::Wildcard: leaf("Wildcard", p.pos); return;
    case PatternKind::Bind: leaf("Bind", p.pos, p.name); return;
    case PatternKind::Rest: leaf("Rest", p.pos, p.name); return;
    case PatternKind::Literal: leaf("LiteralPattern", p.pos, show_value(p.literal)); return;
    case PatternKind::Tag: {
        std::string detail = p.tag_kind == TagKind::User ? p.name : std::string(tag_kind_name(p.tag_kind));
        if (p.has_parens) detail += "()";
        open("TagPattern", p.pos, detail);
        break;
    }
    case PatternKind::Array: open("ArrayPattern", p.pos); break;
    case PatternKind::Dict: open("DictPattern", p.pos); break;
    }
    for (auto const& e : p.elements) pattern(*e);
    close();
}

}  // namespace

std::string dump_ast(Program const& program, DumpOptions options) {
    Dumper dumper(options);
    if (program.main && program.main->body) dumper.node(*program.main->body);
    std::string out = dumper.take();
    if (!options.compact) out += '\n';
    return out;
}

std::string dump_node(Node const& node, DumpOptions options) {
    Dumper dumper(options);
    dumper.node(node);
    return dumper.take();
}

}  // namespace ruff
