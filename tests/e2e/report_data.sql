-- The hand-checked working set of tests/e2e/report*.sh and check.sh (same as
-- tests/unit/test_report_aging.c). At --as-of 2026-03-31, due-date basis:
--   C1 EUR: current 100.00, 1-30 350.00 (I2 200-150 + I3 300; P3 is dated after as-of),
--           total 450.00, unapplied 0.00
--   C2 EUR: 31-60 400.00 (P4 only suggested), 91-120 480.00 (I5 500 - write-off 20),
--           over 120 0.00 (I6 600 = 590 + 10 deduction), total 880.00, unapplied 260.00
--   check: invoiced 2100.00 - applied 770.00 = 1330.00
INSERT INTO invoices(id,invoice_id,customer_id,customer_name,invoice_date,due_date,amount,currency) VALUES
 (1,'I1','C1','Ann Müller','2026-03-01','2026-03-31',10000,'EUR'),
 (2,'I2','C1','Ann Müller','2026-02-28','2026-03-30',20000,'EUR'),
 (3,'I3','C1','Ann Müller','2026-01-30','2026-03-01',30000,'EUR'),
 (4,'I4','C2','=Evil Corp','2026-01-29','2026-02-28',40000,'EUR'),
 (5,'I5','C2','=Evil Corp','2025-11-01','2025-12-01',50000,'EUR'),
 (6,'I6','C2','=Evil Corp','2025-10-31','2025-11-30',60000,'EUR'),
 (7,'I7','C1','Ann Müller','2026-04-05','2026-05-05',70000,'EUR');
INSERT INTO customers VALUES ('C1','Ann Müller'),('C2','=Evil Corp');
INSERT INTO payments(id,payment_id,payment_date,amount,currency,payer_name,customer_id,memo) VALUES
 (1,'P1','2026-03-15',15000,'EUR','ANN','C1','inv I2'),
 (2,'P2','2026-03-20',60000,'EUR','EVIL','C2','@SUM(A1)'),
 (3,'P3','2026-04-10',30000,'EUR','ANN','C1',''),
 (4,'P4','2026-03-25',25000,'EUR','EVIL','C2','');
INSERT INTO allocations(payment_row,invoice_row,amount_applied,deduction,currency,confidence,rule,
 explanation,status,reason_code,decided_by,decided_at,created_at) VALUES
 (1,2,15000,0,'EUR',0.97,'reference','reference I2 in memo','auto',NULL,NULL,NULL,'2026-03-16T00:00:00Z'),
 (2,6,59000,1000,'EUR',0.9,'amount','amount within tolerance, "short" 10.00','confirmed',NULL,'anna','2026-03-21T09:00:00Z','2026-03-21T00:00:00Z'),
 (3,3,30000,0,'EUR',0.99,'reference','reference','auto',NULL,NULL,NULL,'2026-04-11T00:00:00Z'),
 (4,4,25000,0,'EUR',0.8,'name','payer name, amount differs','suggested',NULL,NULL,NULL,'2026-03-26T00:00:00Z'),
 (NULL,5,0,2000,'EUR',1,'writeoff','bad debt','manual','bad_debt','anna','2026-03-10T12:00:00Z','2026-03-10T12:00:00Z'),
 (1,1,10000,0,'EUR',0.6,'name','no','rejected',NULL,'anna','2026-03-16T10:00:00Z','2026-03-16T00:00:00Z');
INSERT INTO exceptions(kind,payment_row,invoice_row,allocation_id,amount,currency,confidence,detail) VALUES
 ('suggested',4,4,4,25000,'EUR',0.8,'payer name only; amount 250.00 vs 400.00'),
 ('short_pay',2,6,2,1000,'EUR',0.9,'short by 10.00, within tolerance');
INSERT INTO rejected_rows(file,line,column_name,reason,raw) VALUES
 ('bank.csv',7,'amount','not a number','P9,2026-03-01,=1+2,EUR');
