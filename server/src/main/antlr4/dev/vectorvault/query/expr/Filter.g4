/*
 * Milvus 2.6 boolean filter expressions.
 *
 * Precedence, loosest first: or, and, not, predicates (comparison, range, in, like, is null, exists),
 * + and -, * / %, unary sign, ** (right-associative), primaries.
 *
 * A predicate is written as "subject tail?" rather than as one alternative per operator, so a single
 * token of lookahead picks every rule: parsing stays linear, and a syntax error points at the first
 * token that cannot continue the expression ("age > " reports the missing operand at the end), the
 * way Milvus's own parser reports it.
 */
grammar Filter;

filter : orExpr EOF ;

orExpr : andExpr (OR andExpr)* ;

andExpr : notExpr (AND notExpr)* ;

notExpr
    : NOT notExpr
    | predicate
    ;

predicate
    : EXISTS arith                # ExistsPredicate
    | arith predicateTail?        # SubjectPredicate
    ;

predicateTail
    : compareOp arith (compareOp arith)?    # ComparisonTail
    | NOT? IN arith                         # MembershipTail
    | LIKE arith                            # LikeTail
    | IS NOT? NULL                          # NullTail
    ;

compareOp : EQ | NE | LT | LE | GT | GE ;

arith : operands+=product (operators+=(ADD | SUB) operands+=product)* ;

product : operands+=signed (operators+=(MUL | DIV | MOD) operands+=signed)* ;

signed
    : operator=(ADD | SUB) signed
    | power
    ;

power : base=primary (POW exponent=signed)? ;

primary
    : INTEGER                                                  # IntegerLiteral
    | FLOAT                                                    # FloatLiteral
    | STRING                                                   # StringLiteral
    | BOOLEAN                                                  # BooleanLiteral
    | LBRACKET (arith (COMMA arith)* COMMA?)? RBRACKET         # ListLiteral
    | LBRACE IDENTIFIER RBRACE                                 # Placeholder
    | IDENTIFIER LPAREN (arith (COMMA arith)*)? (COMMA option)? RPAREN   # FunctionCall
    | IDENTIFIER subscript*                                    # FieldPath
    | LPAREN orExpr RPAREN                                     # Parenthesized
    ;

subscript : LBRACKET key=(STRING | INTEGER) RBRACKET ;

// A named constant argument, as in text_match(f, 'q', minimum_should_match=2); after a comma, the two tokens
// IDENTIFIER '=' tell it from a positional argument (the one place that looks two tokens ahead).
option : name=IDENTIFIER ASSIGN value=arith ;

LPAREN : '(' ;
RPAREN : ')' ;
LBRACKET : '[' ;
RBRACKET : ']' ;
LBRACE : '{' ;
RBRACE : '}' ;
COMMA : ',' ;

EQ : '==' ;
ASSIGN : '=' ;
NE : '!=' ;
LE : '<=' ;
LT : '<' ;
GE : '>=' ;
GT : '>' ;

POW : '**' ;
ADD : '+' ;
SUB : '-' ;
MUL : '*' ;
DIV : '/' ;
MOD : '%' ;

// Keywords match in any letter case (AND, Or, NOT IN, LIKE, IS NULL, True); field names stay case-sensitive.
AND options { caseInsensitive = true; } : 'and' | '&&' ;
OR options { caseInsensitive = true; } : 'or' | '||' ;
NOT options { caseInsensitive = true; } : 'not' | '!' ;
IN options { caseInsensitive = true; } : 'in' ;
LIKE options { caseInsensitive = true; } : 'like' ;
IS options { caseInsensitive = true; } : 'is' ;
NULL options { caseInsensitive = true; } : 'null' ;
EXISTS options { caseInsensitive = true; } : 'exists' ;
BOOLEAN options { caseInsensitive = true; } : 'true' | 'false' ;

IDENTIFIER : [a-zA-Z_] [a-zA-Z_0-9]* | '$meta' ;

INTEGER : '0' [xX] HEX_DIGIT+ | DIGIT+ ;

FLOAT
    : DIGIT+ '.' DIGIT* EXPONENT?
    | '.' DIGIT+ EXPONENT?
    | DIGIT+ EXPONENT
    ;

// Escapes stay verbatim in the token; Literals.unquote decodes them.
STRING
    : '"' (~["\\\r\n] | '\\' .)* '"'
    | '\'' (~['\\\r\n] | '\\' .)* '\''
    ;

WHITESPACE : [ \t\r\n]+ -> skip ;

fragment DIGIT : [0-9] ;
fragment HEX_DIGIT : [0-9a-fA-F] ;
fragment EXPONENT : [eE] [+-]? DIGIT+ ;
