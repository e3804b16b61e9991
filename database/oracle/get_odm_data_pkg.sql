-- Get_ODM_Data_Pkg: the published design's package, one procedure an endpoint, each handing
-- its whole answer back as a JSON array in a CLOB. Field names are the contract's, exactly.
--
-- How the first implementation's defects are avoided:
--   * JSON is built by JSON_OBJECT and JSON_ARRAYAGG, never by concatenating strings: quotes,
--     backslashes and control characters in names are escaped by the database, and a NULL
--     price is written as null (NULL ON NULL), never as an empty value.
--   * Each OUT CLOB is created by the SELECT ... INTO that fills it (no append to a NULL).
--   * The order is given inside JSON_ARRAYAGG (ORDER BY inside the aggregate orders the
--     elements; an ORDER BY of the outer query would not).
--   * No matching row gives '[]' (JSON_ARRAYAGG alone would give NULL).
--   * The summaries read views over trigger-maintained totals: never stale.
--   * Every element is at most a few hundred characters (names are VARCHAR2(200 CHAR)), so
--     it fits the default VARCHAR2(4000); the array itself is a CLOB of any size (18c+).
--   * JSON_SERIALIZE ... ASCII writes every non-ASCII character as a \uXXXX escape, so the
--     CLOB holds one byte per character and a reader taking it in pieces can never cut a
--     UTF-16 surrogate pair in two, whatever the piece size.
--   * JSON_SERIALIZE says ERROR ON ERROR: its documented default (NULL ON ERROR) would turn
--     a failure into NULL, which empty_if_null would then answer as an empty array.
--   * JSON_SERIALIZE is what needs Oracle Database 19c.

CREATE OR REPLACE PACKAGE Get_ODM_Data_Pkg AUTHID DEFINER AS
    PROCEDURE Get_Division_List(p_json OUT CLOB);
    PROCEDURE Get_Division_Summary_Data(p_json OUT CLOB);
    PROCEDURE Get_Well_Summary_Data(p_well_id IN NUMBER, p_division_id IN NUMBER, p_json OUT CLOB);
    PROCEDURE Get_Well_Summary_By_Day(p_well_id IN NUMBER, p_division_id IN NUMBER, p_json OUT CLOB);
END Get_ODM_Data_Pkg;
/

CREATE OR REPLACE PACKAGE BODY Get_ODM_Data_Pkg AS

    -- JSON_ARRAYAGG over no rows is NULL: the contract's answer is then an empty array.
    PROCEDURE empty_if_null(p_json IN OUT NOCOPY CLOB) IS
    BEGIN
        IF p_json IS NULL THEN
            p_json := TO_CLOB('[]');
        END IF;
    END empty_if_null;

    PROCEDURE Get_Division_List(p_json OUT CLOB) IS
    BEGIN
        SELECT JSON_SERIALIZE(
                   JSON_ARRAYAGG(
                       JSON_OBJECT(
                           'Division_Id' VALUE d.division_id,
                           'Division_Name' VALUE d.division_name
                           NULL ON NULL)
                       ORDER BY d.division_id
                       ABSENT ON NULL
                       RETURNING CLOB)
                   RETURNING CLOB ASCII ERROR ON ERROR)
          INTO p_json
          FROM odm_division d
         WHERE d.division_name IS NOT NULL;
        empty_if_null(p_json);
    END Get_Division_List;

    PROCEDURE Get_Division_Summary_Data(p_json OUT CLOB) IS
    BEGIN
        SELECT JSON_SERIALIZE(
                   JSON_ARRAYAGG(
                       JSON_OBJECT(
                           'Division_Id' VALUE s.division_id,
                           'Division_Name' VALUE s.division_name,
                           'Well_Count' VALUE s.well_count,
                           'Total_Oil_Produced' VALUE s.total_oil_produced,
                           'Total_Budget' VALUE s.total_budget,
                           'Total_Actual' VALUE s.total_actual,
                           'Total_Oil_Sales' VALUE s.total_oil_sales
                           NULL ON NULL)
                       ORDER BY s.division_id
                       ABSENT ON NULL
                       RETURNING CLOB)
                   RETURNING CLOB ASCII ERROR ON ERROR)
          INTO p_json
          FROM Get_Division_Summary_Data_MV s;
        empty_if_null(p_json);
    END Get_Division_Summary_Data;

    PROCEDURE Get_Well_Summary_Data(p_well_id IN NUMBER, p_division_id IN NUMBER, p_json OUT CLOB) IS
    BEGIN
        SELECT JSON_SERIALIZE(
                   JSON_ARRAYAGG(
                       JSON_OBJECT(
                           'well_id' VALUE s.well_id,
                           'well_name' VALUE s.well_name,
                           'division_id' VALUE s.division_id,
                           'division_name' VALUE s.division_name,
                           'total_oil_produced' VALUE s.total_oil_produced,
                           'total_budget' VALUE s.total_budget,
                           'total_actual' VALUE s.total_actual,
                           'total_oil_sales' VALUE s.total_oil_sales
                           NULL ON NULL)
                       ORDER BY s.well_id
                       ABSENT ON NULL
                       RETURNING CLOB)
                   RETURNING CLOB ASCII ERROR ON ERROR)
          INTO p_json
          FROM Get_Well_Summary_Data_MV s
         WHERE s.well_id = p_well_id
           AND s.division_id = p_division_id;
        empty_if_null(p_json);
    END Get_Well_Summary_Data;

    PROCEDURE Get_Well_Summary_By_Day(p_well_id IN NUMBER, p_division_id IN NUMBER, p_json OUT CLOB) IS
    BEGIN
        SELECT JSON_SERIALIZE(
                   JSON_ARRAYAGG(
                       JSON_OBJECT(
                           'well_id' VALUE v.well_id,
                           'well_name' VALUE v.well_name,
                           'division_id' VALUE v.division_id,
                           'division_name' VALUE v.division_name,
                           'date_value' VALUE TO_CHAR(v.date_value, 'YYYY-MM-DD'),
                           'oil_produced' VALUE v.oil_produced,
                           'oil_price' VALUE v.oil_price,
                           'oil_sales' VALUE v.oil_sales
                           NULL ON NULL)
                       ORDER BY v.date_value
                       ABSENT ON NULL
                       RETURNING CLOB)
                   RETURNING CLOB ASCII ERROR ON ERROR)
          INTO p_json
          FROM Get_Well_Summary_By_Day_VW v
         WHERE v.well_id = p_well_id
           AND v.division_id = p_division_id;
        empty_if_null(p_json);
    END Get_Well_Summary_By_Day;

END Get_ODM_Data_Pkg;
/
