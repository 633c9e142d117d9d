import { describe, expect, it } from "vitest";
import { MalformedTicketError, newTicket, parseTicket } from "./ticket";

describe("tickets", () => {
  it("round-trips a new ticket", () => {
    const ticket = newTicket(3);
    expect(parseTicket(JSON.stringify(ticket), 10)).toEqual(ticket);
    expect(newTicket(3).id).not.toBe(ticket.id);
  });

  it.each([
    ["not json", /not JSON/],
    ["null", /must be an object/],
    ['{"replica":-1,"id":"a"}', /replica must be an integer from 0 to 9/],
    ['{"replica":10,"id":"a"}', /replica must be/],
    ['{"replica":1.5,"id":"a"}', /replica must be/],
    ['{"replica":1}', /id must be/],
  ])("refuses %s", (body, message) => {
    expect(() => parseTicket(body, 10)).toThrow(MalformedTicketError);
    expect(() => parseTicket(body, 10)).toThrow(message);
  });
});
