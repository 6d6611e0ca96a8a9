// The staff calendar (EventCalendar), the appointment panel it opens, and the booking form's slot picker.
// Times are the centre's wall-clock times without an offset ("floating"): the page shows the centre's hours
// whatever the browser's time zone, and sends back what it shows.
(function () {
  "use strict";

  var ZERO_ID = "00000000-0000-0000-0000-000000000000";

  function pad(number) { return String(number).padStart(2, "0"); }

  function dayOf(date) {
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate());
  }

  function floating(date) { return dayOf(date) + "T" + pad(date.getHours()) + ":" + pad(date.getMinutes()); }

  // A message in the page's alert area (a polite live region), dismissible like the server's flashes.
  function say(message, kind, closeLabel) {
    var area = document.getElementById("alerts");
    if (!area) { return; }
    var box = document.createElement("div");
    box.className = "alert alert-" + kind + " alert-dismissible";
    box.setAttribute("role", kind === "success" ? "status" : "alert");
    box.setAttribute("data-test", "alert");
    box.appendChild(document.createTextNode(message));
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close";
    close.setAttribute("data-bs-dismiss", "alert");
    close.setAttribute("aria-label", closeLabel);
    box.appendChild(close);
    area.replaceChildren(box);
  }

  function line(text, kind) {
    var span = document.createElement("span");
    span.className = "session-line " + kind;
    span.textContent = text;
    return span;
  }

  // Inside a session: time, child (◆ when booked over the rules), service and status in words; for screen
  // readers also the day and the therapist, which sighted people read from the column and the colour.
  function eventContent(info, locale) {
    var props = info.event.extendedProps;
    var name = (props.override ? "◆ " : "") + info.event.title;
    var day = info.event.start ? new Intl.DateTimeFormat(locale, {weekday: "long", day: "numeric", month: "long"})
      .format(info.event.start) : "";
    if (info.view.type.indexOf("dayGrid") === 0) {  // a month cell: one line, the rest for screen readers
      return {domNodes: [line(info.timeText + " " + name + " · " + props.statusLabel, "session-compact"),
                         line(", " + props.service + ", " + day + ", " + props.therapist, "visually-hidden")]};
    }
    var nodes = [];
    if (info.timeText) { nodes.push(line(info.timeText, "session-time")); }
    nodes.push(line(name, "session-name"));
    nodes.push(line(props.service + " · " + props.statusLabel, "session-status"));
    if (info.view.type.indexOf("list") === 0) {
      nodes.push(line(props.therapist, "session-therapist"));
    } else {
      nodes.push(line(", " + day + ", " + props.therapist, "visually-hidden"));
    }
    return {domNodes: nodes};
  }

  // EventCalendar marks its grids role=table (rowgroup, row, cell, columnheader with aria-colindex) and its list
  // role=list, but the toolbar buttons, the sessions and the time sidebar sit among those rows, and month cells
  // sit outside any row: axe reports aria-required-children / aria-required-parent (critical) in every view.
  // The layout is visual, not a data table, and each session is its own button whose label says the day, time,
  // child, service, status and therapist; so the table and list roles (and the column indexes that only they
  // allow) are taken off after each render, leaving plain text headings and the labelled session buttons.
  var GRID_ROLES = "[role=table], [role=rowgroup], [role=row], [role=cell], [role=columnheader], " +
                   "[role=rowheader], [role=list], [role=listitem], [aria-colindex], [aria-colspan]";

  function fixGridRoles(root) {
    root.querySelectorAll(GRID_ROLES).forEach(function (node) {
      if (node.getAttribute("role") !== "button") { node.removeAttribute("role"); }
      node.removeAttribute("aria-colindex");
      node.removeAttribute("aria-colspan");
    });
  }

  function filterValues(form) {
    var values = {};
    if (!form) { return values; }
    form.querySelectorAll("select").forEach(function (select) {
      if (select.value) { values[select.name] = select.value; }
    });
    return values;
  }

  // How the calendar looks and reads: views, hours, the page's language, words and time format.
  function displayOptions(setup) {
    var labels = setup.labels;
    var views = (setup.columns ? "resourceTimeGridDay" : "timeGridDay") + ",timeGridWeek,dayGridMonth,listWeek";
    var clock = {hour: "2-digit", minute: "2-digit", hour12: false};
    return {
      view: setup.view,
      date: setup.date,
      locale: setup.locale,
      firstDay: 1,
      headerToolbar: {start: "prev,next today", center: "title", end: views},
      // A function, not an object: an object would drop the prev/next labels (axe: button-name).
      buttonText: function (text) {
        return Object.assign({}, text, {
          today: labels.today, resourceTimeGridDay: labels.day, timeGridDay: labels.day, timeGridWeek: labels.week,
          dayGridMonth: labels.month, listWeek: labels.list, close: labels.close,
          prev: labels[text.prev] || text.prev, next: labels[text.next] || text.next
        });
      },
      allDaySlot: false,
      slotMinTime: "07:00",
      slotMaxTime: "21:00",
      scrollTime: "08:00",
      slotDuration: "00:30",
      snapDuration: "00:15",
      slotHeight: 32,
      slotEventOverlap: false,
      views: {dayGridMonth: {height: "760px"}},  // a fixed height: days show a few sessions and "+N more"
      nowIndicator: true,
      dayMaxEvents: true,
      editable: setup.editable,
      eventStartEditable: setup.editable,
      eventDurationEditable: false,  // a session lasts what its service says: only its start moves
      eventTimeFormat: clock,
      slotLabelFormat: clock,
      noEventsContent: labels.noEvents,
      moreLinkContent: function (arg) { return labels.more.replace("{n}", arg.num); },
      eventContent: function (info) { return eventContent(info, setup.locale); }
    };
  }

  function setupCalendar(element) {
    var setup = JSON.parse(element.dataset.setup);
    var labels = setup.labels;
    var form = document.getElementById("calendar-filters");
    var calendar;

    function loadEvents(info) {
      var params = new URLSearchParams(filterValues(form));
      params.set("start", dayOf(info.start));
      params.set("end", dayOf(info.end));
      return fetch(setup.eventsUrl + "?" + params.toString(), {credentials: "same-origin",
                                                                headers: {"Accept": "application/json"}})
        .then(function (response) {
          if (response.redirected) { window.location.reload(); return []; }  // the session ended
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .catch(function () { say(labels.notLoaded, "danger", labels.close); return []; });
    }

    function remember(info) {
      var params = new URLSearchParams(filterValues(form));
      params.set("view", info.view.type);
      params.set("date", dayOf(info.view.currentStart));
      if (form) {
        form.elements.view.value = info.view.type;
        form.elements.date.value = dayOf(info.view.currentStart);
      }
      window.history.replaceState(null, "", window.location.pathname + "?" + params.toString());
    }

    function move(info) {
      var body = {start: floating(info.event.start)};
      if (info.newResource && (!info.oldResource || info.newResource.id !== info.oldResource.id)) {
        body.therapist_id = info.newResource.id;
      }
      window.therapy.send("POST", setup.moveUrl.replace(ZERO_ID, info.event.id), body).then(function (answer) {
        if (answer.ok && answer.data.moved) {
          say(answer.data.message || labels.moved, "success", labels.close);
          calendar.refetchEvents();
        } else {
          info.revert();
          say(answer.data.message || labels.notMoved, "warning", labels.close);
        }
      }, function () {
        info.revert();
        say(labels.notMoved, "danger", labels.close);
      });
    }

    function book(info) {
      var params = new URLSearchParams();
      params.set("start", info.allDay ? dayOf(info.date) : floating(info.date));
      if (info.resource) { params.set("therapist_id", info.resource.id); }
      var filters = filterValues(form);
      if (filters.service_code) { params.set("service_code", filters.service_code); }
      window.location.assign(setup.bookingUrl + "?" + params.toString());
    }

    var opener = null;  // the session that opened the panel: focus goes back to it when the panel closes
    document.getElementById("appointment-offcanvas").addEventListener("hidden.bs.offcanvas", function () {
      if (opener && opener.isConnected) { opener.focus(); }
    });

    function openPanel(info) {
      var canvas = document.getElementById("appointment-offcanvas");
      var body = document.getElementById("appointment-offcanvas-body");
      opener = info.el;
      body.replaceChildren();
      window.bootstrap.Offcanvas.getOrCreateInstance(canvas).show();
      window.htmx.ajax("GET", setup.panelUrl.replace(ZERO_ID, info.event.id), {target: body, swap: "innerHTML"});
    }

    // The day view's columns: the therapists the filters leave (one therapist, or those giving a service).
    function columnsFor(filters) {
      return setup.resources.filter(function (column) {
        return (!filters.therapist_id || column.id === filters.therapist_id) &&
          (!filters.service_code || column.extendedProps.services.indexOf(filters.service_code) >= 0);
      });
    }

    calendar = window.EventCalendar.create(element, Object.assign(displayOptions(setup), {
      resources: columnsFor(filterValues(form)),
      eventSources: [{events: loadEvents}],
      eventClick: openPanel,
      dateClick: setup.bookable ? book : undefined,
      eventDrop: move,
      datesSet: remember,
      eventAllUpdated: function () { fixGridRoles(element); },
      viewDidMount: function () { fixGridRoles(element); }
    }));

    if (form) {
      var refresh = function () {
        var filters = filterValues(form);
        if (setup.columns) { calendar.setOption("resources", columnsFor(filters)); }
        calendar.refetchEvents();
        remember({view: calendar.getView()});
      };
      form.addEventListener("change", refresh);
      form.addEventListener("submit", function (event) { event.preventDefault(); refresh(); });
    }
    document.body.addEventListener("appointment-changed", function () { calendar.refetchEvents(); });
    new MutationObserver(function () { fixGridRoles(element); }).observe(element, {
      childList: true, subtree: true, attributes: true, attributeFilter: ["role", "aria-colindex", "aria-colspan"]});
    return calendar;
  }

  // Booking form: a suggested slot fills the date, time and therapist fields.
  document.addEventListener("click", function (event) {
    var slot = event.target.closest("[data-slot-start]");
    if (!slot) { return; }
    var form = slot.closest("form");
    form.querySelector("[data-field=date]").value = slot.dataset.slotStart.slice(0, 10);
    form.querySelector("[data-field=time]").value = slot.dataset.slotStart.slice(11, 16);
    var therapist = form.querySelector("[data-field=therapist]");
    if (therapist && slot.dataset.slotTherapist) { therapist.value = slot.dataset.slotTherapist; }
    form.querySelectorAll("[data-slot-start]").forEach(function (other) {
      other.setAttribute("aria-pressed", other === slot ? "true" : "false");
    });
  });

  var element = document.getElementById("calendar");
  if (element) { window.therapyCalendar = setupCalendar(element); }
})();
