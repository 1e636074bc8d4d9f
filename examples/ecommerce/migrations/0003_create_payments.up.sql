-- Payments keep only the processor's token and the last four digits: never the card number
-- (PCI-DSS 3.3/3.4 — the pci-dss library flags a card_number or cvv column that is not protected).
SET LOCAL statement_timeout = '1min';

CREATE TABLE shop.payments (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id        bigint NOT NULL REFERENCES shop.orders (id),
    processor_token text NOT NULL,
    card_last4      text CHECK (card_last4 ~ '^[0-9]{4}$'),
    amount          numeric(12, 2) NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    retain_until    date NOT NULL DEFAULT (current_date + 7 * 365)
);
COMMENT ON COLUMN shop.payments.processor_token IS 'classification: cardholder data reference (PCI-DSS); opaque token issued by the payment processor';
REVOKE ALL ON shop.payments FROM PUBLIC;
CREATE INDEX payments_order_id_idx ON shop.payments (order_id);
